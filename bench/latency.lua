-- wrk script of bench/pages.py: print latency percentiles (microseconds) wrk --latency omits
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("percentile %d %d\n", p, latency:percentile(p)))
  end
end

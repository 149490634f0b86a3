"""CSP nonces are drawn from os.urandom in batches (`security.headers.random_bytes`): every
nonce is new — across batches, threads and a fork — and has the full length."""
import os
import threading

from shequ.security.headers import NONCE_BYTES, POOL_NONCES, csp_nonce, random_bytes


def test_nonces_never_repeat_across_batches_and_threads():
    seen = []

    def draw():
        seen.extend(csp_nonce(None) for _ in range(POOL_NONCES * 2 + 7))
    threads = [threading.Thread(target=draw) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    draw()
    assert len(seen) == 4 * (POOL_NONCES * 2 + 7)
    assert len(set(seen)) == len(seen)
    assert {len(n) for n in seen} == {24}       # 18 bytes, base64 without padding


def test_a_forked_child_does_not_reuse_its_parents_bytes():
    random_bytes(NONCE_BYTES)                    # the parent's batch is drawn
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                                 # the child: its next bytes, to the parent
        os.close(read)
        os.write(write, random_bytes(NONCE_BYTES))
        os._exit(0)
    os.close(write)
    child = os.read(read, NONCE_BYTES)
    os.close(read)
    os.waitpid(pid, 0)
    assert len(child) == NONCE_BYTES
    assert child != random_bytes(NONCE_BYTES)    # the parent's next bytes from its batch

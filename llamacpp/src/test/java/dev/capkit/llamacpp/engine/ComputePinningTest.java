package dev.capkit.llamacpp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ComputePinningTest {
  private static CpuList cpus(String list) {
    return CpuList.parse("test", list);
  }

  @Test
  void theHostGetsTheAllowedCpusTheComputeDoesNotTake() {
    assertEquals("0,2-3", ComputePinning.hostCpus(cpus("1"), 1, cpus("0-3")).toString());
  }

  @Test
  void refusesCpusOutsideTheAllowedOnesNoneLeftForTheHostOrTooFewForTheThreads() {
    var outside = assertThrows(IllegalArgumentException.class, () -> ComputePinning.hostCpus(cpus("2"), 1, cpus("0-1")));
    assertEquals("--compute-cpus 2: not among the CPUs this process may use (0-1)", outside.getMessage());
    var all = assertThrows(IllegalArgumentException.class, () -> ComputePinning.hostCpus(cpus("0-1"), 1, cpus("0-1")));
    assertTrue(all.getMessage().contains("leaves no CPU of 0-1"), all.getMessage());
    var threads = assertThrows(IllegalArgumentException.class, () -> ComputePinning.hostCpus(cpus("1"), 2, cpus("0-3")));
    assertTrue(threads.getMessage().contains("1 CPU(s) for --threads 2"), threads.getMessage());
  }

  /**
   * The mechanism llama.cpp's task loop relies on: a thread started by the loader inherits the compute CPUs, the
   * rest of the process is on the host CPUs, and the listing finds that thread. Needs two CPUs; the whole test JVM
   * is moved back to every allowed CPU afterwards.
   */
  @Test
  void aThreadTheLoaderStartsRunsOnTheComputeCpusAndIsListed() throws Exception {
    CpuList allowed = CpuAffinity.allowed();
    assumeTrue(allowed.size() >= 2, "needs two CPUs, has " + allowed);
    CpuList compute = cpus(Integer.toString(allowed.cpus().previousSetBit(allowed.cpus().length())));
    CpuList host = ComputePinning.hostCpus(compute, 1, allowed);
    CountDownLatch stop = new CountDownLatch(1);
    AtomicLong loopTid = new AtomicLong();
    CountDownLatch started = new CountDownLatch(1);
    try {
      ComputePinning.Loaded<Thread> loaded = ComputePinning.load(compute, host, () -> {
        Thread loop = new Thread(() -> {
          loopTid.set(CpuAffinity.currentTid());
          started.countDown();
          try {
            stop.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "fake-task-loop");
        loop.start();
        try {
          started.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return loop;
      });
      assertEquals(compute, loaded.pinning().compute());
      assertEquals(host, loaded.pinning().host());
      assertTrue(loaded.pinning().computeThreads().stream().anyMatch(t -> t.tid() == loopTid.get()),
          loaded.pinning().computeThreads() + " lacks " + loopTid.get());
      long here = CpuAffinity.currentTid();
      CpuAffinity.threads().stream().filter(t -> t.tid() == here).findFirst()
          .ifPresentOrElse(t -> assertEquals(host, t.cpus()), () -> { throw new AssertionError("no thread " + here); });
    } finally {
      stop.countDown();
      CpuAffinity.set(ProcessHandle.current().pid(), allowed, true);
    }
  }
}

package dev.capkit.llamacpp.engine;

import dev.capkit.llamacpp.engine.CpuAffinity.ThreadPlace;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * llama.cpp's compute on CPUs of its own, everything else of the engine elsewhere: the layout of a
 * GPU server, where the engine's kernels have the GPU and its API process, tokenizer and result
 * hand-over run on host CPUs. Without it, on a small machine the HTTP front and the hand-over
 * threads take turns with the decoding thread on the same core, a cost that grows with the number
 * of streams and that no serving model of a GPU has (calibration/README.md: it was the largest
 * error of the prediction table).
 *
 * <p>How: every thread of the process is moved to the host CPUs, then the model is loaded on a
 * thread moved to the compute CPUs; llama.cpp's task loop (and any OpenMP workers it starts) is
 * created by that thread and inherits its affinity. Afterwards the threads on the compute CPUs are
 * listed ({@link #computeThreads}); the engine reports them in {@code /health} and refuses to
 * start when there are none.
 *
 * <pre>{@code
 * CpuList compute = CpuList.parse("--compute-cpus", "1");
 * CpuList host = ComputePinning.hostCpus(compute, 1, CpuAffinity.allowed());     // "0" on a 2-core machine
 * ComputePinning.Loaded<LlamaModel> loaded = ComputePinning.load(compute, host, () -> new LlamaModel(params));
 * }</pre>
 *
 * @param compute        the CPUs llama.cpp's threads run on
 * @param host           the CPUs every other thread of the engine runs on
 * @param computeThreads the threads found on {@code compute} after loading
 */
public record ComputePinning(CpuList compute, CpuList host, List<ThreadPlace> computeThreads) {
  public ComputePinning {
    computeThreads = List.copyOf(computeThreads);
  }

  /**
   * CPU time the compute threads got and time they waited, runnable, for a CPU (the kernel's
   * {@code /proc/self/task/<tid>/schedstat}: run time and run-queue delay, nanoseconds), summed over
   * {@link #computeThreads}. The difference of two readings says what share of the time llama.cpp
   * wanted its CPU other threads had it: {@code waitNanos / cpuNanos} near 0 means the CPU was its own.
   */
  public record CoreTime(long cpuNanos, long waitNanos) {
    public CoreTime since(CoreTime earlier) {
      return new CoreTime(cpuNanos - earlier.cpuNanos, waitNanos - earlier.waitNanos);
    }

    /** Run-queue wait per CPU second (NaN without CPU time). */
    public double waitShare() {
      return cpuNanos > 0 ? (double) waitNanos / cpuNanos : Double.NaN;
    }
  }

  /** The compute threads' CPU and run-queue wait so far (threads that ended are left out). */
  public CoreTime coreTime() {
    long cpu = 0;
    long wait = 0;
    for (ThreadPlace t : computeThreads) {
      long[] stat = CpuAffinity.schedstat(t.tid());
      cpu += stat[0];
      wait += stat[1];
    }
    return new CoreTime(cpu, wait);
  }

  /** A loaded value and where its threads were placed. */
  public record Loaded<T>(T value, ComputePinning pinning) {
  }

  /**
   * The host CPUs left when {@code compute} goes to llama.cpp.
   *
   * @throws IllegalArgumentException (naming {@code --compute-cpus} and its value) when {@code compute} is not among
   *     the {@code allowed} CPUs, leaves none for the host, or has fewer CPUs than {@code threads}
   */
  public static CpuList hostCpus(CpuList compute, int threads, CpuList allowed) {
    if (!allowed.containsAll(compute)) {
      throw new IllegalArgumentException("--compute-cpus " + compute + ": not among the CPUs this process may use ("
          + allowed + ")");
    }
    CpuList host = allowed.minus(compute);
    if (host.isEmpty()) {
      throw new IllegalArgumentException("--compute-cpus " + compute + ": leaves no CPU of " + allowed
          + " for the HTTP front and the result hand-over");
    }
    if (threads > compute.size()) {
      throw new IllegalArgumentException("--compute-cpus " + compute + ": " + compute.size() + " CPU(s) for --threads "
          + threads + " (one thread per compute CPU at most)");
    }
    return host;
  }

  /**
   * Moves this process to {@code host}, runs {@code loader} on a thread on {@code compute} and lists the threads
   * left there.
   *
   * @throws IllegalStateException when taskset fails or no thread runs on {@code compute} after loading
   */
  public static <T> Loaded<T> load(CpuList compute, CpuList host, Supplier<T> loader) {
    CpuAffinity.set(ProcessHandle.current().pid(), host, true);
    AtomicReference<T> value = new AtomicReference<>();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Thread loading = new Thread(() -> {
      try {
        CpuAffinity.set(CpuAffinity.currentTid(), compute, false);
        value.set(loader.get());
      } catch (RuntimeException e) {
        failure.set(e);
      }
    }, "llama-compute-load");
    loading.start();
    try {
      loading.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading the model on CPUs " + compute, e);
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    List<ThreadPlace> onCompute = CpuAffinity.threads().stream().filter(t -> compute.containsAll(t.cpus())).toList();
    if (onCompute.isEmpty()) {
      throw new IllegalStateException("--compute-cpus " + compute + ": after loading, no thread of this process runs "
          + "there (llama.cpp did not start its task loop from the loading thread)");
    }
    return new Loaded<>(value.get(), new ComputePinning(compute, host, onCompute));
  }
}

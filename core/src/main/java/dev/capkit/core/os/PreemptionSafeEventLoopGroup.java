package dev.capkit.core.os;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Netty event loops that never wait for a thread preempted while handing them a task: for loops that may run in
 * {@code SCHED_FIFO} ({@link LinuxThreads#setFifo}) while threads of a lower priority submit work on the same CPU
 * (the load generator's loops under {@code -Dcapkit.loadgen.realtime}, the emulator's under {@code --realtime}).
 *
 * <p>Why: Netty's default task queue (a multi-producer array queue) takes a task in two steps, a slot claimed and then
 * the task stored in it, and its {@code poll()} spins when it finds a slot claimed but not yet stored. If the loop is
 * real-time and the submitting thread is not, on one CPU, the loop can wake (its timer, a socket) and preempt the
 * submitter between the two steps, then spin for the task the submitter can no longer store: the submitter runs again
 * only when the kernel's real-time throttling ({@code /proc/sys/kernel/sched_rt_runtime_us}, 0.95 s of each second by
 * default) stops the loop, a stall of up to ~0.95 s; a submitter that is itself real-time at a lower priority is
 * throttled too, and the loop never gets its task. Measured (loadgen/README.md): one such loop at {@code SCHED_FIFO 10}
 * and four ordinary threads calling {@code execute} every 20 us, pinned to one CPU, 60 s: three stalls of 0.94-0.97
 * s with Netty's queue, none over 17 ms with this one; 1 of 5 ceiling runs and 4 of 20 Gatling steps with the real-time
 * option had such a stall before. Here both task queues are {@link ConcurrentLinkedQueue}s, which publish a task with
 * one compare-and-set of a complete node, so {@code poll()} never waits on another thread; the cost is a 24-byte node
 * per task submitted from outside the loop.
 *
 * <pre>{@code
 * EventLoopGroup loops = new PreemptionSafeEventLoopGroup(2, new DefaultThreadFactory("io", true),
 *     EpollIoHandler.newFactory());
 * }</pre>
 */
public final class PreemptionSafeEventLoopGroup extends MultiThreadIoEventLoopGroup {

  /** {@code threads} loops (0 = Netty's default, twice the processors), threads from {@code threadFactory}. */
  public PreemptionSafeEventLoopGroup(int threads, ThreadFactory threadFactory, IoHandlerFactory ioHandlerFactory) {
    super(threads, threadFactory, ioHandlerFactory);
  }

  /** {@code threads} loops (0 = Netty's default), threads from Netty's default factory. */
  public PreemptionSafeEventLoopGroup(int threads, IoHandlerFactory ioHandlerFactory) {
    super(threads, (Executor) null, ioHandlerFactory);
  }

  @Override
  protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
    return new Loop(this, executor, ioHandlerFactory);
  }

  private static final class Loop extends SingleThreadIoEventLoop {
    Loop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory) {
      super(parent, executor, ioHandlerFactory, new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>(),
          RejectedExecutionHandlers.reject());
    }
  }
}

package dev.capkit.llamacpp.engine;

import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaOutput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that takes results out of llama.cpp's result queue and hands each to its stream.
 *
 * <p>Why: in b4916, {@code server_response::recv(id)} waits for "queue not empty" and then looks
 * for its id; a receiver whose result is not queued while another stream's is spins on the queue's
 * mutex, and starves the thread that pushes results (the decoding thread, which must take the same
 * mutex for every result). With a receiver per stream, N streams meant N-1 spinning threads (57 ms
 * per step instead of 1 ms, measured); with a lock taken in turn, the holder still spun whenever its
 * result came after another stream's (measured: 40-150 ms of CPU per step with 4 streams, whatever
 * the order of asking, when that order was not llama.cpp's).
 *
 * <p>How it asks without spinning: if results are taken in exactly the order they are pushed, the
 * queue is always either empty (an ask sleeps on llama.cpp's condition variable, no CPU, until the
 * next push) or holds the asked result first. llama.cpp pushes a step's results in slot order, and
 * the engine chooses every completion's slot ({@code id_slot}); so this thread asks step by step,
 * within a step in slot order. A stream whose first result has not come yet is asked for after the
 * running ones: if its result came at once it was in the same step; if it came later, its prompt
 * ran in the next step, whose results for the running streams are then queued, and those are taken
 * before its next result ({@code nextStep}). A stream's final result follows its last token in the
 * same step and is taken right away (known from {@code max_tokens}). What remains: a starting
 * stream whose first result comes in the next step after a lower slot's (a wait across one step's
 * pushes, once per request), and a model that ends before {@code max_tokens} (end of sequence;
 * capkit's generated models never do) leaves its final result queued until its next turn.
 */
final class ResultDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResultDispatcher.class);

  /** One result handed to a stream: a token's text, or the end (with the failure when llama.cpp reported one). */
  record Handed(String text, long nanos, boolean end, RuntimeException failure) {
  }

  /** A completion being received: its iterator (task id), how many tokens it asked for, where its results go. */
  static final class Stream {
    private final int slot;
    private final LlamaIterator results;
    private final int maxTokens;
    private final Runnable onEnd;
    private final LinkedBlockingQueue<Handed> handed = new LinkedBlockingQueue<>();
    private volatile boolean cancelRequested;
    private int received;
    /** The dispatcher's count of the llama.cpp step whose results hold this stream's next one. */
    private long nextStep;

    private Stream(int slot, LlamaIterator results, int maxTokens, Runnable onEnd) {
      this.slot = slot;
      this.results = results;
      this.maxTokens = maxTokens;
      this.onEnd = onEnd;
    }

    /** The next token or the end, waiting for it. */
    Handed next() throws InterruptedException {
      return handed.take();
    }

    /** Asks the dispatcher to cancel it in llama.cpp (the caller stops reading). */
    void cancel() {
      cancelRequested = true;
    }
  }

  /**
   * A starting stream's first result that takes longer than this to come was not pushed with the step just taken
   * (on this CPU a step of the generated models takes milliseconds; results of one step come microseconds apart).
   */
  private static final long SAME_STEP_NANOS = 1_000_000;
  private static final Comparator<Stream> BY_STEP_AND_SLOT =
      Comparator.<Stream>comparingLong(s -> s.nextStep).thenComparingInt(s -> s.slot);

  private final LinkedBlockingQueue<Stream> posted = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  ResultDispatcher() {
    thread = new Thread(this::run, "llama-results");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Starts receiving a posted completion.
   *
   * @param slot      the llama.cpp slot the task was posted to ({@code id_slot})
   * @param results   the iterator {@code LlamaModel.generate(...).iterator()} returned (the task is posted)
   * @param maxTokens the completion's {@code n_predict}
   * @param onEnd     run on this dispatcher's thread once llama.cpp is done with the task (final result, failure,
   *                  or cancelled): the slot is free again
   */
  Stream receive(int slot, LlamaIterator results, int maxTokens, Runnable onEnd) {
    if (closed) {
      throw new IllegalStateException("the engine is closed");
    }
    Stream s = new Stream(slot, results, maxTokens, onEnd);
    posted.add(s);
    return s;
  }

  private void run() {
    List<Stream> running = new ArrayList<>(); // had a result: asked by (step of their next result, slot)
    List<Stream> starting = new ArrayList<>(); // no result yet: asked after the running ones
    long step = 0;
    while (!closed) {
      try {
        if (running.isEmpty() && starting.isEmpty()) {
          Stream first = posted.poll(200, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          starting.add(first);
        }
      } catch (InterruptedException e) {
        break;
      }
      posted.drainTo(starting);
      running.sort(BY_STEP_AND_SLOT);
      long round = running.isEmpty() ? step : running.get(0).nextStep; // the earliest step with a result to take
      for (Iterator<Stream> it = running.iterator(); it.hasNext(); ) {
        Stream s = it.next();
        if (s.nextStep != round) {
          continue; // its result comes a step later (it started late): others' results of this step go first
        }
        if (takeTurn(s)) {
          it.remove();
        } else {
          s.nextStep = round + 1;
        }
      }
      long seen = round; // the latest step whose results have started to come
      for (Iterator<Stream> it = starting.iterator(); it.hasNext(); ) {
        Stream s = it.next();
        it.remove();
        long asked = System.nanoTime();
        boolean ended = takeTurn(s);
        // came at once: pushed with the step seen last; came later: its prompt ran in a later step, whose results for
        // the running streams are queued now and must be taken before its next one
        if (System.nanoTime() - asked > SAME_STEP_NANOS) {
          seen++;
        }
        s.nextStep = seen + 1;
        if (!ended) {
          running.add(s);
        }
      }
      step = round + 1;
    }
    running.addAll(starting);
    for (Stream s : running) {
      end(s, new IllegalStateException("the engine closed while generating"));
    }
  }

  /** Takes one result of {@code s} (its last token together with the final result); true when it ended. */
  private boolean takeTurn(Stream s) {
    try {
      if (s.cancelRequested) {
        s.results.cancel();
        return end(s, null);
      }
      LlamaOutput out = s.results.next();
      if (!s.results.hasNext()) {
        return end(s, null); // the final result: in stream mode it carries no token of its own
      }
      hand(s, out);
      if (s.received >= s.maxTokens) { // its final result was pushed right after this token
        out = s.results.next();
        if (!s.results.hasNext()) {
          return end(s, null);
        }
        hand(s, out);
      }
      return false;
    } catch (RuntimeException e) { // de.kherud.llama.LlamaException is not public
      LOG.debug("llama.cpp reported a failure for a completion", e);
      return end(s, e);
    }
  }

  private static void hand(Stream s, LlamaOutput out) {
    s.received++;
    s.handed.add(new Handed(out.text, System.nanoTime(), false, null));
  }

  private static boolean end(Stream s, RuntimeException failure) {
    try {
      s.onEnd.run();
    } finally {
      s.handed.add(new Handed("", System.nanoTime(), true, failure));
    }
    return true;
  }

  /** Stops the thread after its current turn (streams still running are ended with a failure). */
  @Override
  public void close() {
    closed = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.capkit.netem;

import dev.capkit.netem.toxic.ConnectToxic;
import dev.capkit.netem.toxic.OutageToxic;
import dev.capkit.netem.toxic.Segment;
import dev.capkit.netem.toxic.SegmentSink;
import dev.capkit.netem.toxic.ToxicContext;
import dev.capkit.netem.toxic.ToxicStage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One direction of one connection: reads from {@code source}, runs each chunk through the toxic
 * stages, and writes to {@code sink} when the chunk is due. Everything runs on the connection's event
 * loop. The pipe is the only holder of delayed bytes: an ordered queue whose due times never decrease
 * (so nothing is reordered), drained by a single timer set for the head.
 *
 * <p>Back-pressure: with nothing delayed, a chunk is written at once and the next read is asked for
 * only when that write succeeded (Netty's proxy pattern). While chunks wait for their due time the
 * pipe keeps reading, so a delay never serializes later chunks, but only while fewer than
 * {@link #WINDOW} bytes are queued and the sink is writable; past that, reading stops until writes drain.
 */
final class Pipe implements ToxicContext {
  /** Bytes a direction may hold for delayed delivery: caps memory and the emulated bandwidth-delay product. */
  static final int WINDOW = 256 * 1024;

  private final NetemConnection connection;
  private final Direction direction;
  private final Channel source;
  private final Channel sink;
  private final ArrayDeque<Segment> queue = new ArrayDeque<>();
  private final ChannelFutureListener afterWrite;
  private final Map<String, ToxicStage> stagesByName = new HashMap<>();
  private final Map<String, ToxicSpec> specsByName = new HashMap<>();
  private SegmentSink entry = this::enqueue;
  private long queueBytes;
  private long lastDue = Long.MIN_VALUE;
  private ScheduledFuture<?> timer;
  private long timerDue;
  private boolean wroteDirectly;
  private boolean sourceEnded;
  private boolean finished;

  Pipe(NetemConnection connection, Direction direction, Channel source, Channel sink) {
    this.connection = connection;
    this.direction = direction;
    this.source = source;
    this.sink = sink;
    this.afterWrite = f -> {
      if (f.isSuccess()) {
        maybeRead();
      } else {
        connection.writeFailed(direction, f.cause());
      }
    };
  }

  /** Brings the stages in line with the proxy's toxics: unchanged ones keep their state, others restart. */
  void reconcile(List<ToxicSpec> toxics) {
    List<ToxicSpec> mine = new ArrayList<>();
    for (ToxicSpec spec : toxics) {
      if (spec.stream() == direction && !(spec.toxic() instanceof ConnectToxic) && !(spec.toxic() instanceof OutageToxic)) {
        mine.add(spec);
      }
    }
    Map<String, ToxicStage> kept = new HashMap<>();
    for (ToxicSpec spec : mine) {
      ToxicSpec old = specsByName.get(spec.name());
      if (old != null && old.equals(spec)) {
        kept.put(spec.name(), stagesByName.get(spec.name()));
      }
    }
    for (Map.Entry<String, ToxicStage> e : stagesByName.entrySet()) {
      if (!kept.containsKey(e.getKey())) {
        if (mine.stream().noneMatch(s -> s.name().equals(e.getKey()))) {
          e.getValue().onRemoved();
        }
        e.getValue().stop();
      }
    }
    stagesByName.clear();
    specsByName.clear();
    if (finished) {
      return;
    }
    SegmentSink next = this::enqueue;
    for (int i = mine.size() - 1; i >= 0; i--) {
      ToxicSpec spec = mine.get(i);
      ToxicStage stage = kept.get(spec.name());
      if (stage == null) {
        stage = connection.draw(direction, spec.name()) < spec.toxicity() ? spec.toxic().open(this) : ToxicStage.PASS;
      }
      stagesByName.put(spec.name(), stage);
      specsByName.put(spec.name(), spec);
      next = link(stage, next);
    }
    entry = next;
  }

  private static SegmentSink link(ToxicStage stage, SegmentSink next) {
    if (stage == ToxicStage.PASS) {
      return next;
    }
    return s -> {
      if (s.isFin()) {
        stage.onFin(s, next);
      } else {
        stage.onData(s, next);
      }
    };
  }

  /** A chunk read from the source. */
  void onRead(ByteBuf data) {
    if (finished) {
      data.release();
      return;
    }
    wroteDirectly = false;
    entry.accept(Segment.data(data, System.nanoTime()));
    if (!wroteDirectly) {
      maybeRead();
    }
  }

  /** The source closed (EOF or error): the end of stream goes through the stages like data. */
  void onSourceEnded() {
    if (sourceEnded) {
      return;
    }
    sourceEnded = true;
    if (!finished) {
      entry.accept(Segment.fin(System.nanoTime()));
    }
  }

  /** The sink is gone: nothing more can be delivered. Releases held bytes and stops the stages. */
  void onSinkClosed() {
    finish();
    stopStages();
  }

  private void enqueue(Segment s) {
    if (finished) {
      release(s);
      return;
    }
    long due = Math.max(s.due(), lastDue);
    lastDue = due;
    if (queue.isEmpty() && due - System.nanoTime() <= 0) {
      deliver(s);
      sink.flush();
      return;
    }
    queue.add(s.at(due));
    queueBytes += s.length();
    armTimer();
  }

  private void deliver(Segment s) {
    if (s.isFin()) {
      finish();
      sink.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    wroteDirectly = true;
    sink.write(s.data()).addListener(afterWrite);
  }

  private void flushDue() {
    timer = null;
    long now = System.nanoTime();
    Segment head;
    LongConsumer lateness = connection.latenessProbe();
    while (!finished && (head = queue.peek()) != null && head.due() - now <= 0) {
      queue.poll();
      queueBytes -= head.length();
      if (lateness != null) {
        lateness.accept(now - head.due());
      }
      deliver(head);
    }
    if (!finished) {
      sink.flush();
      armTimer();
      maybeRead();
    }
  }

  private void armTimer() {
    Segment head = queue.peek();
    if (head == null) {
      return;
    }
    if (timer != null) {
      if (timerDue - head.due() <= 0) {
        return;
      }
      timer.cancel(false);
    }
    timerDue = head.due();
    timer = source.eventLoop().schedule(this::flushDue, head.due() - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  /** Asks the source for more when this direction has room. */
  void maybeRead() {
    if (!sourceEnded && !finished && queueBytes < WINDOW && sink.isActive() && sink.isWritable() && source.isActive()) {
      source.read();
    }
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    Segment s;
    while ((s = queue.poll()) != null) {
      release(s);
    }
    queueBytes = 0;
  }

  void stopStages() {
    for (ToxicStage stage : stagesByName.values()) {
      stage.stop();
    }
    stagesByName.clear();
    specsByName.clear();
    entry = this::enqueue;
  }

  private static void release(Segment s) {
    if (!s.isFin()) {
      s.data().release();
    }
  }

  long queuedBytes() {
    return queueBytes;
  }

  // ToxicContext: what stages may use

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public SplittableRandom random() {
    return connection.random();
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    ScheduledFuture<?> f = source.eventLoop().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public void reset() {
    connection.reset();
  }

  @Override
  public void close() {
    connection.closeNow();
  }
}

package dev.capkit.core.scenario;

import java.time.Duration;
import java.util.List;

/**
 * How load is offered: open-loop arrivals at a target rate, or closed-loop phone-agent sessions.
 * Each level of the list is one step of the run (a ladder when there are several).
 */
public sealed interface LoadShape {
  /** Duration of each level ({@link Trace}: of the first; see {@link #duration(int)}). */
  Duration stepDuration();

  /** Duration of level {@code i}: the same for every level except a {@link Trace} replayed at several speeds. */
  default Duration duration(int i) {
    return stepDuration();
  }

  /** Number of load levels. */
  int levels();

  /** The offered load of level {@code i} in this shape's unit. */
  double level(int i);

  /** {@code qps} or {@code agents}. */
  String unit();

  /**
   * Load offered before the first step and not recorded (#18: a fresh JVM's class loading and JIT
   * must not land in the first step's tail): the first level's load for this long. Zero: none.
   */
  Duration warmup();

  /** Unrecorded time before the first step: ramp-up (open loop) and warm-up. */
  default Duration leadIn() {
    return warmup();
  }

  /**
   * Open loop: arrivals at {@code qps[i]} per second for {@code stepDuration}, with seeded gaps whose
   * coefficient of variation is {@code burstiness}: 0 evenly spaced, 1 Poisson (exponential gaps),
   * other values gamma-distributed gaps (above 1 burstier than Poisson). Throughput stays at the
   * offered rate below capacity; latency absorbs overload.
   *
   * @param maxConcurrency at most this many requests in flight (0: no cap); an arrival finding the
   *                       cap full waits for a slot, and the wait counts as schedule lag
   * @param rampUp         unrecorded time before the warm-up in which the rate rises linearly from 0
   *                       to the first level
   */
  record Open(List<Double> qps, Duration stepDuration, double burstiness, int maxConcurrency, Duration rampUp,
      Duration warmup) implements LoadShape {
    public Open {
      qps = List.copyOf(qps);
    }

    /** Open loop with Poisson or evenly spaced arrivals, no cap, ramp-up or warm-up. */
    public Open(List<Double> qps, Duration stepDuration, boolean poisson) {
      this(qps, stepDuration, poisson ? 1 : 0, 0, Duration.ZERO, Duration.ZERO);
    }

    /** The arrivals' name as run.json records it: {@code uniform}, {@code poisson} or {@code gamma(cv=2)}. */
    public String arrivals() {
      return burstiness == 0 ? "uniform" : burstiness == 1 ? "poisson" : "gamma(cv=" + burstiness + ")";
    }

    @Override
    public Duration leadIn() {
      return rampUp.plus(warmup);
    }

    @Override
    public int levels() {
      return qps.size();
    }

    @Override
    public double level(int i) {
      return qps.get(i);
    }

    @Override
    public String unit() {
      return "qps";
    }
  }

  /**
   * Closed loop, as Open-AutoGLM runs: {@code agents[i]} phone agents each work through tasks of
   * {@code stepsPerTask} model calls, waiting {@code thinkTime} (the action and the wait after it)
   * between calls. Throughput follows X = N / (R + Z).
   *
   * @param taskObjectives objectives on whole tasks ({@code load.taskObjectives}: completion time at a
   *                       percentile, share of tasks with every step met), judged per step/probe beside the
   *                       step objectives; empty: none
   */
  record Closed(List<Integer> agents, Duration thinkTime, int stepsPerTask, Duration stepDuration, Duration warmup,
      List<dev.capkit.core.search.TaskObjective> taskObjectives) implements LoadShape {
    public Closed {
      agents = List.copyOf(agents);
      taskObjectives = List.copyOf(taskObjectives);
    }

    /** Closed loop without task objectives. */
    public Closed(List<Integer> agents, Duration thinkTime, int stepsPerTask, Duration stepDuration, Duration warmup) {
      this(agents, thinkTime, stepsPerTask, stepDuration, warmup, List.of());
    }

    @Override
    public int levels() {
      return agents.size();
    }

    @Override
    public double level(int i) {
      return agents.get(i);
    }

    @Override
    public String unit() {
      return "agents";
    }
  }

  /**
   * Open loop at a recorded trace's own timing ({@code load.model: "trace"}): level {@code i} replays
   * the trace's requests at their offsets divided by {@code speeds[i]} (2 = twice as fast), cut at
   * {@code cut} when it is set. Each level's offered load is the trace's mean rate at that speed
   * (requests in the window / the window), so it is judged like any open-loop step: latencies from
   * each request's intended send time.
   *
   * @param trace         the trace file (absolute), read and checked when the scenario is loaded
   * @param format        {@code mooncake} or {@code burstgpt} ({@code dev.capkit.core.workload.TraceFormat})
   * @param offsetsMicros each request's arrival, microseconds after the first (non-decreasing)
   * @param cut           replay only the first {@code cut} of the (sped-up) trace; zero: all of it
   */
  record Trace(String trace, String format, List<Double> speeds, long[] offsetsMicros, Duration cut, Duration warmup)
      implements LoadShape {
    public Trace {
      speeds = List.copyOf(speeds);
      offsetsMicros = offsetsMicros.clone();
    }

    /** Requests of the trace. */
    public int lines() {
      return offsetsMicros.length;
    }

    /** Intended send time of line {@code line} at speed {@code speed}, nanoseconds after the step start. */
    public long offsetNanos(int line, double speed) {
      return Math.round(offsetsMicros[line] * 1_000.0 / speed);
    }

    /**
     * Lines of level {@code i}: those whose sped-up offset falls inside the level's window.
     */
    public int lines(int i) {
      long window = duration(i).toNanos();
      int n = 0;
      while (n < offsetsMicros.length && offsetNanos(n, speeds.get(i)) < window) {
        n++;
      }
      return n;
    }

    /**
     * The cut if set, else the sped-up span plus one mean gap (so that the last request falls inside
     * the window and n requests over the window is the trace's mean rate), at least one second, in
     * whole milliseconds.
     */
    @Override
    public Duration duration(int i) {
      if (!cut.isZero()) {
        return cut;
      }
      int n = offsetsMicros.length;
      double span = offsetsMicros[n - 1] * 1_000.0 / speeds.get(i);
      double nanos = n > 1 ? span * n / (n - 1) : 0;
      return Duration.ofMillis(Math.max(1_000, (long) Math.ceil(nanos / 1e6 + 1e-9)));
    }

    @Override
    public Duration stepDuration() {
      return duration(0);
    }

    @Override
    public int levels() {
      return speeds.size();
    }

    /** The trace's mean rate at level {@code i}'s speed, requests per second, to 4 significant digits. */
    @Override
    public double level(int i) {
      double rate = lines(i) / (duration(i).toNanos() / 1e9);
      return new java.math.BigDecimal(rate).round(new java.math.MathContext(4)).doubleValue();
    }

    @Override
    public String unit() {
      return "qps";
    }
  }
}

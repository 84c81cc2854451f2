package dev.capkit.simulations;

import dev.capkit.core.run.InjectorShare;

import dev.capkit.core.scenario.LoadShape;
import dev.capkit.core.scenario.RequestMix;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.StepPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The seeded open-loop arrival plan of a whole run: for each step, send times at the step's rate with
 * gaps of the scenario's burstiness ({@link Gaps}: evenly spaced, Poisson or gamma), each with a request
 * kind drawn by the mix weights. Before the first step come the unrecorded lead-in arrivals (ramp-up,
 * warm-up; {@link #LEAD_IN}).
 * The same scenario and seed give the same arrivals, so a run can be replayed in the emulator's
 * virtual time and two runs differ only by what the target did. A step that repeats an earlier
 * step's rate and duration under another network profile replays that step's arrivals (times
 * relative to the step start, kinds, contents: {@link Arrival#contentKey()}), so network profiles
 * are compared on the same requests (paired steps) rather than on fresh draws.
 *
 * <p>Gatling injects users second by second ({@link #usersPerSecond()}); each user takes the next
 * arrival ({@link #take()}) and is sent at its intended time, so the schedule lag (actual minus
 * intended send time) is measured against this plan, not against Gatling's injector.
 */
public final class ArrivalSchedule {
  /** {@link Arrival#step()} of a ramp-up or warm-up arrival: sent, never recorded. */
  public static final int LEAD_IN = -2;

  /** Content keys of lead-in arrivals start here (apart from the steps' keys 0, 1, ...). */
  static final long LEAD_IN_KEYS = 1L << 40;

  private static final int PLANNED = 0;
  private static final int CLAIMED = 1;
  private static final int ABANDONED = 2;

  private final List<Arrival> arrivals;
  private final int[] usersPerSecond;
  private final AtomicInteger cursor = new AtomicInteger();
  /** Per arrival: planned, claimed for sending, or abandoned because its step closed first. */
  private final AtomicIntegerArray state;

  private ArrivalSchedule(List<Arrival> arrivals, int seconds) {
    this.arrivals = List.copyOf(arrivals);
    this.state = new AtomicIntegerArray(arrivals.size());
    this.usersPerSecond = new int[seconds];
    for (Arrival a : arrivals) {
      usersPerSecond[(int) (a.offsetNanos() / 1_000_000_000L)]++;
    }
  }

  /** Plans the arrivals of an open-loop scenario. */
  public static ArrivalSchedule plan(Scenario scenario) {
    return plan(scenario, InjectorShare.WHOLE);
  }

  /**
   * Plans this injector's share of the arrivals: the whole plan is drawn with the scenario's seed,
   * then only the arrivals whose sequence number the share keeps remain, with their sequence
   * numbers (which seed request contents), times and kinds unchanged.
   */
  public static ArrivalSchedule plan(Scenario scenario, InjectorShare share) {
    ArrivalSchedule whole = planWhole(scenario);
    if (share.count() == 1) {
      return whole;
    }
    List<Arrival> mine = whole.arrivals.stream().filter(a -> share.keeps(a.sequence())).toList();
    return new ArrivalSchedule(mine, whole.usersPerSecond.length);
  }

  private static ArrivalSchedule planWhole(Scenario scenario) {
    if (scenario.load() instanceof LoadShape.Trace trace) {
      return planTrace(scenario, trace);
    }
    if (!(scenario.load() instanceof LoadShape.Open open)) {
      throw new IllegalArgumentException("scenario " + scenario.name() + " is closed-loop; it has no arrival schedule");
    }
    SplittableRandom rng = new SplittableRandom(scenario.seed());
    double[] cumulative = cumulativeWeights(scenario.mix());
    List<Arrival> out = new ArrayList<>();
    Gaps gaps = new Gaps(open.burstiness());
    // the lead-in draws from its own stream and content keys, so the steps' arrivals are the same with or without it
    long leadIn = leadInArrivals(open, scenario, new SplittableRandom(scenario.seed() ^ 0x1EAD_1E55_0000_0000L), cumulative, out);
    int first = out.size();
    // Steps of one level (rate and duration) under different network profiles replay the level's
    // first draw: same send times relative to the step start, same kinds, same contents.
    Map<String, List<Arrival>> levels = new HashMap<>();
    for (StepPlan step : scenario.steps()) {
      long start = leadIn + step.start().toNanos();
      long end = leadIn + step.end().toNanos();
      String level = step.offered() + "/" + step.duration().toNanos();
      List<Arrival> twin = levels.get(level);
      if (twin != null) {
        for (Arrival a : twin) {
          out.add(new Arrival(out.size(), step.index(), start + a.offsetNanos(), a.mixIndex(), a.contentKey()));
        }
        continue;
      }
      List<Arrival> drawn = new ArrayList<>();
      double meanGap = 1e9 / step.offered();
      double t = gaps.first(rng, meanGap);
      while (start + t < end) {
        Arrival a = new Arrival(out.size(), step.index(), start + (long) t, pick(rng, cumulative), out.size() - first);
        out.add(a);
        drawn.add(new Arrival(a.sequence(), a.step(), (long) t, a.mixIndex(), a.contentKey()));
        t += gaps.next(rng, meanGap);
      }
      levels.put(level, drawn);
    }
    int seconds = (int) Math.ceil((leadIn + scenario.loadDuration().toNanos()) / 1e9);
    return new ArrivalSchedule(out, Math.max(1, seconds));
  }

  /**
   * The unrecorded arrivals before the first step ({@link Arrival#step()} {@link #LEAD_IN}): a ramp
   * whose rate rises linearly from 0 to the first level over {@code rampUp} (the gap process drawn on
   * the integrated rate, then mapped back to time), then {@code warmup} at the first level. Returns
   * the lead-in's length in nanoseconds.
   */
  private static long leadInArrivals(LoadShape.Open open, Scenario scenario, SplittableRandom rng, double[] cumulative,
      List<Arrival> out) {
    long ramp = open.rampUp().toNanos();
    long warm = open.warmup().toNanos();
    if (ramp + warm == 0) {
      return 0;
    }
    Gaps gaps = new Gaps(open.burstiness());
    double rate = scenario.steps().get(0).offered() / 1e9; // per nanosecond
    // ramp: lambda(t) = rate t / ramp, Lambda(t) = rate t^2 / (2 ramp); unit-rate events e map to t = sqrt(2 ramp e / rate)
    double total = rate * ramp / 2;
    for (double e = gaps.first(rng, 1); ramp > 0 && e < total; e += gaps.next(rng, 1)) {
      out.add(new Arrival(out.size(), LEAD_IN, (long) Math.sqrt(2 * ramp * e / rate), pick(rng, cumulative), LEAD_IN_KEYS + out.size()));
    }
    double meanGap = 1 / rate;
    for (double t = gaps.first(rng, meanGap); t < warm; t += gaps.next(rng, meanGap)) {
      out.add(new Arrival(out.size(), LEAD_IN, ramp + (long) t, pick(rng, cumulative), LEAD_IN_KEYS + out.size()));
    }
    return ramp + warm;
  }

  /**
   * A trace replay's plan: in each step, line i of the trace at its offset divided by the level's
   * speed, content key {@code level << 32 | i} (steps of one level under other network profiles
   * replay the same requests); before the first step, the unrecorded warm-up replays the trace's
   * beginning at the first speed with keys of their own.
   */
  private static ArrivalSchedule planTrace(Scenario scenario, LoadShape.Trace trace) {
    List<Arrival> out = new ArrayList<>();
    long warm = trace.warmup().toNanos();
    double first = trace.speeds().get(0);
    for (int i = 0; i < trace.lines() && trace.offsetNanos(i, first) < warm; i++) {
      out.add(new Arrival(out.size(), LEAD_IN, trace.offsetNanos(i, first), 0, LEAD_IN_KEYS + i));
    }
    int networks = scenario.networks().size();
    for (StepPlan step : scenario.steps()) {
      int level = step.index() / networks; // levels outermost (Scenario.steps)
      double speed = trace.speeds().get(level);
      long start = warm + step.start().toNanos();
      for (int i = 0; i < trace.lines(level); i++) {
        out.add(new Arrival(out.size(), step.index(), start + trace.offsetNanos(i, speed), 0, ((long) level << 32) + i));
      }
    }
    int seconds = (int) Math.ceil((warm + scenario.loadDuration().toNanos()) / 1e9);
    return new ArrivalSchedule(out, Math.max(1, seconds));
  }

  /** Users to inject at the start of each second of the run (the arrivals falling in that second). */
  public int[] usersPerSecond() {
    return usersPerSecond.clone();
  }

  public List<Arrival> arrivals() {
    return arrivals;
  }

  /** Planned arrivals of the recorded steps (the lead-in's are sent but not counted). */
  public int size() {
    return (int) arrivals.stream().filter(a -> a.step() >= 0).count();
  }

  /**
   * The next arrival in time order. Users injected at the start of second k take exactly the
   * arrivals of second k, because all of second k's users exist before any of second k+1's.
   * Returns null when the plan is used up.
   */
  public Arrival take() {
    int i = cursor.getAndIncrement();
    return i < arrivals.size() ? arrivals.get(i) : null;
  }

  /**
   * Claims a taken arrival for sending. False when its step has already closed without it
   * ({@link #abandon}): the arrival must then not be sent, it is already counted as not sent.
   */
  public boolean claim(Arrival a) {
    int i = indexOf(a);
    return state.compareAndSet(i, PLANNED, CLAIMED);
  }

  /**
   * Gives up the arrivals of {@code step} that no sender has claimed (the load generator fell so
   * far behind that the step closed first) and returns them; a later {@link #claim} of one fails.
   * Each arrival is either claimed or abandoned, never both.
   */
  public List<Arrival> abandon(int step) {
    List<Arrival> out = new ArrayList<>();
    for (int i = 0; i < arrivals.size(); i++) {
      Arrival a = arrivals.get(i);
      if (a.step() == step && state.compareAndSet(i, PLANNED, ABANDONED)) {
        out.add(a);
      }
    }
    return out;
  }

  private int indexOf(Arrival a) {
    int lo = 0;
    int hi = arrivals.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long seq = arrivals.get(mid).sequence();
      if (seq < a.sequence()) {
        lo = mid + 1;
      } else if (seq > a.sequence()) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    throw new IllegalArgumentException("arrival " + a.sequence() + " is not in this schedule");
  }


  static double[] cumulativeWeights(List<RequestMix> mix) {
    double[] c = new double[mix.size()];
    double sum = 0;
    for (int i = 0; i < mix.size(); i++) {
      sum += mix.get(i).weight();
      c[i] = sum;
    }
    for (int i = 0; i < c.length; i++) {
      c[i] /= sum;
    }
    return c;
  }

  static int pick(SplittableRandom rng, double[] cumulative) {
    double u = rng.nextDouble();
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }
}

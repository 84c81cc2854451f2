package dev.capkit.twin;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.twin.engine.ContinuousBatchingEngine;
import dev.capkit.twin.engine.EngineStep;
import dev.capkit.twin.engine.Emission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Replays a load shape through the same {@link ContinuousBatchingEngine} the HTTP server uses, on a
 * simulated clock: no sockets, no sleeping. Returns one {@link RequestRecord} per arrival, in
 * arrival order, timed in simulated seconds exactly as the engine would deliver tokens in real time
 * (schedule lag 0, as for an ideal client). Same plan, seed and arrivals give identical records.
 *
 * <pre>{@code
 * VirtualRun run = new VirtualRun(plan, 42, 1.0, Profile.PHYSICS, 256);
 * List<RequestRecord> records = run.run(arrivals, 0);
 * }</pre>
 *
 * @param maxWaiting arrivals finding this many requests waiting are refused (HTTP_ERROR 429), as the server does
 */
public record VirtualRun(ServingPlan plan, long seed, double slowdown, Profile profile, int maxWaiting) {

  /** Per-request timing while the run goes. */
  private static final class Track {
    final Arrival arrival;
    PromptAdmission.Admitted admitted;
    double first = -1;
    double previous;
    double last;
    long[] itl;
    int status = 200;
    String error = "";
    double ready;
    int seq;

    Track(Arrival arrival) {
      this.arrival = arrival;
    }
  }

  /**
   * @param startEpochMicros wall-clock time the run's offset 0 stands for (goes into {@code startEpochMicros})
   */
  public List<RequestRecord> run(List<Arrival> arrivals, long startEpochMicros) {
    return run(arrivals, startEpochMicros, null);
  }

  /**
   * As {@link #run(List, long)}, and reports each request's engine-side prompt time to
   * {@code promptSeconds} (request id, seconds) when its first token is sampled: llama.cpp server's
   * {@code t_prompt_processing} as the llama.cpp engine counts it into
   * {@code llamacpp:prompt_seconds_total}, from the moment the request holds a slot (its task is
   * posted) to its first token. The clock starts when the request reached the engine if a slot
   * was free then (it still waits for the step in flight, as the real loop does), else when the
   * step that admitted it began (a slot freed at the end of the step before). Host-side time and
   * waiting for a slot are not in it.
   *
   * @param promptSeconds called once per request that got its first token; null: not reported
   */
  public List<RequestRecord> run(List<Arrival> arrivals, long startEpochMicros,
      java.util.function.ObjDoubleConsumer<String> promptSeconds) {
    Track[] tracks = new Track[arrivals.size()];
    for (int i = 0; i < tracks.length; i++) {
      tracks[i] = new Track(arrivals.get(i));
    }
    Track[] order = tracks.clone();
    Arrays.sort(order, Comparator.comparingDouble(t -> t.arrival.offsetSeconds())); // stable: ties keep input order
    PromptAdmission admission = PromptAdmission.lengthsOnly(plan, seed);
    ContinuousBatchingEngine engine = plan.newEngine(slowdown, profile);

    double now = 0;
    int next = 0;
    // start time of every engine step, to date a request's admission (EngineRequest.admittedStep)
    List<Double> stepStarts = new ArrayList<>();
    // Admitted requests wait out their host-side time (API server path, image preprocessing) before joining the engine.
    java.util.PriorityQueue<Track> host = new java.util.PriorityQueue<>(
        Comparator.comparingDouble((Track t) -> t.ready).thenComparingInt(t -> t.seq));
    while (next < order.length || engine.hasWork() || !host.isEmpty()) {
      if (!engine.hasWork()) {
        double nextArrival = next < order.length ? order[next].arrival.offsetSeconds() : Double.POSITIVE_INFINITY;
        double nextReady = host.isEmpty() ? Double.POSITIVE_INFINITY : host.peek().ready;
        now = Math.max(now, Math.min(nextArrival, nextReady));
      }
      while (next < order.length && order[next].arrival.offsetSeconds() <= now) {
        Track t = order[next++];
        if (admit(t, admission, engine, host)) {
          t.seq = next;
          t.ready = t.arrival.offsetSeconds() + plan.hostSeconds(t.admitted.request().imagePixels(), profile);
          host.add(t);
        }
      }
      while (!host.isEmpty() && host.peek().ready <= now) {
        engine.add(host.poll().admitted.request());
      }
      if (!engine.hasWork()) {
        continue;
      }
      stepStarts.add(now);
      EngineStep step = engine.step();
      double start = now;
      now += step.seconds();
      for (Emission e : step.emissions()) {
        Track t = (Track) e.request().attachment();
        record(t, e, now);
        if (e.tokenIndex() == 0 && promptSeconds != null) {
          int admitted = (int) e.request().admittedStep();
          double admittedAt = admitted >= 0 ? stepStarts.get(admitted) : start;
          double previousStart = admitted >= 1 ? stepStarts.get(admitted - 1) : Double.NEGATIVE_INFINITY;
          // reached the engine during the step before its admission: a slot was free, it waited for that step only
          double from = t.ready >= previousStart && t.ready <= admittedAt ? t.ready : admittedAt;
          promptSeconds.accept(t.arrival.id(), now - from);
        }
      }
    }
    List<RequestRecord> out = new ArrayList<>(tracks.length);
    for (Track t : tracks) {
      out.add(toRecord(t, startEpochMicros));
    }
    return out;
  }

  private boolean admit(Track t, PromptAdmission admission, ContinuousBatchingEngine engine,
      java.util.PriorityQueue<Track> host) {
    Arrival a = t.arrival;
    List<PromptAdmission.ImageSize> images = a.hasImage()
        ? List.of(new PromptAdmission.ImageSize(a.imageWidth(), a.imageHeight())) : List.of();
    try {
      List<PromptAdmission.PromptPart> parts = new ArrayList<>();
      for (dev.capkit.twin.engine.PromptSegment seg : a.prefix()) {
        parts.add(PromptAdmission.PromptPart.text(seg.key(), seg.tokens()));
      }
      t.admitted = admission.admit(a.id(), a.promptTextTokens(), 0, images, a.maxTokens(), t, parts);
    } catch (PromptAdmission.Refusal r) {
      t.status = 400;
      t.error = r.getMessage();
      return false;
    }
    if (engine.waitingCount() + host.size() >= maxWaiting) {
      t.status = 429;
      t.error = "waiting queue full (" + maxWaiting + ")";
      t.admitted = null;
      return false;
    }
    return true;
  }

  private static void record(Track t, Emission e, double now) {
    double since = now - t.arrival.offsetSeconds();
    if (e.tokenIndex() == 0) {
      t.first = since;
      t.itl = new long[Math.max(0, t.admitted.answer().tokens() - 1)];
    } else {
      t.itl[e.tokenIndex() - 1] = Math.round((since - t.previous) * 1e9);
    }
    t.previous = since;
    t.last = since;
  }

  private static RequestRecord toRecord(Track t, long startEpochMicros) {
    Arrival a = t.arrival;
    long start = startEpochMicros + Math.round(a.offsetSeconds() * 1e6);
    if (t.status != 200) {
      return new RequestRecord(a.id(), "", a.kind(), start, 0, -1, 0, new long[0], -1, -1, Outcome.HTTP_ERROR,
          t.status, t.error);
    }
    boolean stream = a.stream();
    return new RequestRecord(a.id(), "", a.kind(), start, 0,
        stream ? Math.round(t.first * 1e9) : -1,
        Math.round(t.last * 1e9),
        stream ? t.itl : new long[0],
        t.admitted.promptTokens(), t.admitted.answer().tokens(), Outcome.OK, 200, "");
  }
}

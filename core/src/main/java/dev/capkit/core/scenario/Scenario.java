package dev.capkit.core.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A load test as a value: what is sent (the request mix), how (the load shape), through which
 * network profiles, judged by which objectives. Read from {@code scenarios/*.json} by
 * {@link ScenarioLoader}; the format is documented in {@code scenarios/README.md}.
 *
 * <p>The run is the cross product of load levels and network profiles, levels outermost:
 * <pre>{@code
 * Scenario s = ScenarioLoader.load(Path.of("scenarios/quickstart.json"), Map.of());
 * for (StepPlan step : s.steps()) System.out.println(step.id());   // s00-qps0.5-none, ...
 * }</pre>
 *
 * @param source        where it was read from (file path), for messages
 * @param model         served model name sent in requests (a real target may override it)
 * @param networks      network profile names; {@code none} means a direct connection
 * @param search        {@code load.search}: the steps are a capacity search's probes, chosen as the run
 *                      goes ({@link dev.capkit.core.search.CapacitySearch}); null for a fixed ladder
 */
public record Scenario(
    String name,
    String description,
    String source,
    long seed,
    String model,
    EmulatorSettings emulator,
    List<RequestMix> mix,
    LoadShape load,
    List<String> networks,
    SloSet slo,
    ClientTimeouts timeouts,
    dev.capkit.core.search.SearchSettings search) {

  public Scenario {
    mix = List.copyOf(mix);
    networks = List.copyOf(networks);
  }

  /** A scenario with a fixed ladder of steps (no capacity search). */
  public Scenario(String name, String description, String source, long seed, String model, EmulatorSettings emulator,
      List<RequestMix> mix, LoadShape load, List<String> networks, SloSet slo, ClientTimeouts timeouts) {
    this(name, description, source, seed, model, emulator, mix, load, networks, slo, timeouts, null);
  }

  /** Whether the steps are a capacity search's probes, planned as the run goes rather than listed here. */
  public boolean searches() {
    return search != null;
  }

  /** The steps of the run in order: every load level under every network profile. */
  public List<StepPlan> steps() {
    List<StepPlan> steps = new ArrayList<>();
    Duration start = Duration.ZERO;
    for (int level = 0; level < load.levels(); level++) {
      for (String network : networks) {
        int index = steps.size();
        double offered = load.level(level);
        String id = String.format(Locale.ROOT, "s%02d-%s%s-%s", index, load.unit(), number(offered), network);
        steps.add(new StepPlan(index, id, offered, load.unit(), network, start, load.duration(level)));
        start = start.plus(load.duration(level));
      }
    }
    return steps;
  }

  /** Total time load is offered, all steps together. */
  public Duration loadDuration() {
    Duration total = Duration.ZERO;
    for (int level = 0; level < load.levels(); level++) {
      total = total.plus(load.duration(level).multipliedBy(networks.size()));
    }
    return total;
  }

  /** The rate a plan is made for when none is given, and why (for the line that announces it). */
  public record PlanTarget(double qps, String why) {}

  /**
   * The run's highest offered rate, or 1 req/s for a closed-loop run, which offers none;
   * {@code flag} names the setting that chooses another rate.
   */
  public PlanTarget defaultPlanTarget(String flag) {
    if (searches()) {
      return new PlanTarget(1.0, "a capacity search offers no rate of its own choosing: 1 req/s; set " + flag);
    }
    var highest = steps().stream().filter(s -> s.unit().equals("qps")).mapToDouble(StepPlan::offered).max();
    return highest.isPresent()
        ? new PlanTarget(highest.getAsDouble(), "the run's highest offered rate; set " + flag)
        : new PlanTarget(1.0, "no offered rate in a closed-loop run: 1 req/s; set " + flag);
  }

  static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}

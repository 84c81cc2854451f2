package dev.capkit.simulations;

import dev.capkit.core.results.TargetInfo;
import dev.capkit.core.run.RunOptions;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.twin.ServingRefusedException;
import dev.capkit.emulator.ScenarioEmulatorOptions;
import dev.capkit.loadgen.ChatClient;
import dev.capkit.loadgen.ChatEndpoint;
import dev.capkit.loadgen.ProbeResult;
import dev.capkit.netem.EmbeddedNetem;
import dev.capkit.netem.NetworkProfile;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The send side of a run, started and probed before any load: the target (the embedded emulator
 * unless {@link RunOptions#target()} names an endpoint), netem in front of it when steps name network
 * profiles, and capkit's client, which has answered one probe request. Closing releases all three.
 *
 * @param emulator the embedded emulator, or null for a real target
 * @param netem    the proxy injecting network profiles, or null when every step is direct
 * @param client   capkit's client, pointed at netem when there is one
 * @param direct   the target's own base URL (never through netem)
 * @param info     the target as written to run.json
 */
record StartedTarget(EmbeddedEmulator emulator, EmbeddedNetem netem, ChatClient client, URI direct, TargetInfo info)
    implements AutoCloseable {

  /** Starts (or points at) the target, puts netem in front when needed, and probes it; bad input is a {@link ScenarioException}. */
  static StartedTarget start(Scenario scenario, RunOptions options, Map<String, NetworkProfile> profiles, PrintStream out) {
    EmbeddedEmulator emulator = null;
    URI base;
    String tier;
    Map<String, String> emulatorInfo = new LinkedHashMap<>();
    if (options.target().embedded()) {
      try {
        emulator = EmbeddedEmulator.start(ScenarioEmulatorOptions.options(scenario, options));
      } catch (ServingRefusedException | RuntimeException e) {
        throw new ScenarioException(scenario.source(), "emulator", e.getMessage());
      }
      base = emulator.baseUri();
      tier = scenario.emulator().tier();
      describeEmulator(scenario, options, tier, emulator.describe(), emulatorInfo);
      out.println("capkit: no -Dcapkit.target given: started the embedded emulator at " + base);
      out.println("capkit:   " + emulator.describe());
    } else {
      base = options.target().url();
      tier = options.target().tier() == null ? "unlabelled" : options.target().tier();
      if (options.target().emulator()) {
        // ./capkit split: a standalone emulator started from this scenario's emulator settings
        tier = options.target().tier() == null ? scenario.emulator().tier() : tier;
        describeEmulator(scenario, options, tier, "standalone emulator shared by the injectors of ./capkit split", emulatorInfo);
      }
    }
    EmbeddedNetem netem = null;
    URI direct = base;
    if (!profiles.isEmpty()) {
      int port = base.getPort() > 0 ? base.getPort() : 80;
      netem = EmbeddedNetem.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress(base.getHost(), port), scenario.seed());
      netem.applyProfile(profiles.get(scenario.steps().get(0).network()));
      base = netem.rewrite(base);
      out.println("capkit: network profiles go through netem at " + base + " -> " + direct);
    }
    ChatClient client;
    try {
      client = new ChatClient(new ChatEndpoint(base, scenario.model(), options.target().apiKey(), scenario.timeouts()));
    } catch (IllegalArgumentException e) {
      closeQuietly(netem);
      closeQuietly(emulator);
      throw new ScenarioException("-Dcapkit.target", "", e.getMessage());
    }
    StartedTarget started = new StartedTarget(emulator, netem, client, direct,
        new TargetInfo(direct.toString(), scenario.model(), emulatorInfo.isEmpty() ? "remote" : "emulator", tier, emulatorInfo));
    ProbeResult probe;
    try {
      probe = client.probe().join();
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    if (!probe.ok()) {
      started.close();
      throw new ScenarioException("-Dcapkit.target", "", probe.problem());
    }
    return started;
  }

  private static void describeEmulator(Scenario scenario, RunOptions options, String tier, String description, Map<String, String> info) {
    info.put("tier", tier);
    info.put("dtype", scenario.emulator().dtype());
    info.put("profile", scenario.emulator().profile());
    // fault settings: a baseline records them and the gate compares only runs with the same ones
    info.put("slowdown", Double.toString(options.slowdown()));
    info.put("brokenStreams", Double.toString(options.brokenStreams()));
    info.put("description", description);
  }

  @Override
  public void close() {
    client.close();
    closeQuietly(netem);
    closeQuietly(emulator);
  }

  static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        // closing after a failed start, or at the end: the run's own outcome is what gets reported
      }
    }
  }
}

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
import dev.capkit.loadgen.EndpointOptions;
import dev.capkit.loadgen.EndpointProperties;
import dev.capkit.loadgen.EngineIdentity;
import dev.capkit.loadgen.ProbeResult;
import dev.capkit.loadgen.PromptTokenizer;
import dev.capkit.loadgen.ServingEngine;
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
 * Before any load it also learns who serves ({@link EngineIdentity}: {@code /v1/models}, one
 * {@code /metrics}) and how many characters of prompt text make a token there ({@link PromptTokenizer}).
 *
 * @param emulator the embedded emulator, or null for a real target
 * @param netem    the proxy injecting network profiles, or null when every step is direct
 * @param client   capkit's client, connecting to netem when there is one
 * @param direct   the target's own base URL (never through netem)
 * @param info     the target as written to run.json (with {@code access} and {@code served})
 * @param prompts  characters of text prompt per token on the target, measured or estimated
 * @param exactOutput whether text chats carry {@code ignore_eos} ({@code -Dcapkit.exactOutputLengths} and an engine that honours it)
 */
record StartedTarget(EmbeddedEmulator emulator, EmbeddedNetem netem, ChatClient client, URI direct, TargetInfo info,
    PromptTokenizer.Calibration prompts, boolean exactOutput) implements AutoCloseable {

  /** Starts (or points at) the target, puts netem in front when needed, and probes it; bad input is a {@link ScenarioException}. */
  static StartedTarget start(Scenario scenario, RunOptions options, Map<String, NetworkProfile> profiles, PrintStream out) {
    // RunOptions has read the key (environment or -Dcapkit.apiKeyFile); the rest is parsed here.
    Map<String, String> settings = new LinkedHashMap<>(options.target().endpoint());
    String keyFile = settings.remove("apiKeyFile");
    String key = options.target().apiKey();
    EndpointProperties parsed = EndpointProperties.from(settings, key == null ? Map.of() : Map.of(EndpointProperties.ENV_KEY, key));
    EndpointProperties access = new EndpointProperties(parsed.apiKey(),
        key == null ? "none" : keyFile != null ? "file " + java.nio.file.Path.of(keyFile).toAbsolutePath() : EndpointProperties.ENV_KEY,
        parsed.options());
    boolean exactWanted = exactOutputLengths(options.target().endpoint());
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
    EndpointOptions endpointOptions = access.options();
    if (!profiles.isEmpty()) {
      int port = base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
      netem = EmbeddedNetem.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress(base.getHost(), port), scenario.seed());
      netem.applyProfile(profiles.get(scenario.steps().get(0).network()));
      // Connections go to netem; the URL, Host header, SNI and certificate checks stay the target's.
      endpointOptions = endpointOptions.withConnectVia(netem.listenAddress());
      out.println("capkit: network profiles go through netem at " + netem.rewrite(base) + " -> " + direct);
    }
    ChatClient client;
    try {
      client = new ChatClient(new ChatEndpoint(base, scenario.model(), access.apiKey(), scenario.timeouts(), endpointOptions));
    } catch (IllegalArgumentException e) {
      closeQuietly(netem);
      closeQuietly(emulator);
      throw new ScenarioException("-Dcapkit.target", "", e.getMessage());
    }
    try {
      client.useRealtime(options.target().endpoint().get("loadgen.realtime"));
    } catch (IllegalArgumentException e) {
      client.close();
      closeQuietly(netem);
      closeQuietly(emulator);
      String m = e.getMessage(); // "-Dcapkit.loadgen.realtime=<value>: <why>"
      int i = m.indexOf(": ");
      throw new ScenarioException(i > 0 ? m.substring(0, i) : "-Dcapkit.loadgen.realtime", "", i > 0 ? m.substring(i + 2) : m);
    }
    ProbeResult probe;
    EngineIdentity identity;
    PromptTokenizer.Calibration prompts;
    try {
      probe = client.probe().join();
      if (!probe.ok()) {
        throw new ScenarioException("-Dcapkit.target", "", probe.problem());
      }
      // Asked once now to record which engine serves; the scraper asks again every 2 s.
      identity = EngineIdentity.of(probe, client.get(direct.resolve("/metrics")).join(), !emulatorInfo.isEmpty());
      prompts = PromptTokenizer.calibrate(client, scenario.model());
    } catch (RuntimeException e) {
      client.close();
      closeQuietly(netem);
      closeQuietly(emulator);
      throw e;
    }
    boolean exactOutput = exactWanted && identity.engine().honoursIgnoreEos();
    out.println("capkit: served by " + identity.engine().displayName() + " (" + identity.evidence() + "); /metrics: "
        + identity.metrics());
    out.println("capkit: text prompt lengths: " + prompts.basis());
    // A standalone capkit emulator aimed at by URL is still capkit's model, not a real server.
    String basis = identity.engine() == ServingEngine.CAPKIT_EMULATOR ? TargetInfo.EMULATED : null;
    TargetInfo info = new TargetInfo(direct.toString(), scenario.model(), emulatorInfo.isEmpty() ? "remote" : "emulator", tier,
        emulatorInfo, basis, accessInfo(access, probe), servedInfo(identity, scenario, prompts, exactOutput, exactWanted));
    return new StartedTarget(emulator, netem, client, direct, info, prompts, exactOutput);
  }

  /** {@code capkit.exactOutputLengths}: ask for outputs of exactly {@code maxTokens} on text chats. */
  private static boolean exactOutputLengths(Map<String, String> endpoint) {
    String v = endpoint.getOrDefault("exactOutputLengths", "false").trim();
    if (!v.equals("true") && !v.equals("false")) {
      throw new ScenarioException("-Dcapkit.exactOutputLengths", "", "'" + v + "' is not true or false");
    }
    return v.equals("true");
  }

  /** run.json's {@code target.access}: how the target was reached, never the key. */
  private static Map<String, String> accessInfo(EndpointProperties access, ProbeResult probe) {
    Map<String, String> m = new LinkedHashMap<>(access.describe());
    if (probe.tls() != null) {
      m.put("tls", probe.tls());
    } else {
      m.remove("trust"); // plain HTTP: no certificate was involved
    }
    return m;
  }

  /** run.json's {@code target.served}: engine and evidence, model, how prompt and output lengths were made. */
  private static Map<String, String> servedInfo(EngineIdentity identity, Scenario scenario, PromptTokenizer.Calibration prompts,
      boolean exactOutput, boolean exactWanted) {
    Map<String, String> m = new LinkedHashMap<>(identity.describe(scenario.model()));
    m.put("promptLengths", prompts.basis());
    m.put("outputLengths", exactOutput ? "exact for text chats: ignore_eos sent, outputs run to maxTokens"
        : exactWanted ? "natural: " + identity.engine().displayName() + " is not known to honour ignore_eos, so it was not sent"
        : "natural: the model stops when it ends (-Dcapkit.exactOutputLengths=true sends ignore_eos to engines that honour it)");
    return m;
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

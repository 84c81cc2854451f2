package dev.capkit.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which engine served a run, and on what evidence: {@code /v1/models}' {@code owned_by} (vLLM,
 * SGLang and llama.cpp name themselves there; TGI puts the model id), the prefix of the series its
 * {@code /metrics} exports, and the {@code Server} header. Metric prefixes win over {@code owned_by}
 * (gateways rewrite {@code /v1/models} more often than {@code /metrics}).
 *
 * <pre>{@code
 * EngineIdentity id = EngineIdentity.of(probe, metricsAnswer, false);
 * id.engine();      // ServingEngine.LLAMA_CPP
 * id.describe();    // {engine=llama.cpp, engineEvidence=..., processMetrics=none exported, ...}
 * }</pre>
 *
 * @param engine         the engine recognised, or {@link ServingEngine#UNKNOWN}
 * @param evidence       what it was recognised from, one line
 * @param ownedBy        {@code owned_by} of the served model, or null
 * @param server         the {@code Server} header of {@code /v1/models}, or null
 * @param metrics        what {@code /metrics} gave: {@code N series, capkit reads: ...}, or why nothing
 * @param processMetrics whether {@code process_*} CPU/memory series were there
 */
public record EngineIdentity(ServingEngine engine, String evidence, String ownedBy, String server, String metrics,
    boolean processMetrics) {

  /** The {@code Server} header capkit's emulator sends (emulator's {@code OpenAiRequestHandler.SERVER_NAME}). */
  public static final String EMULATOR_SERVER = "capkit-emulator";

  /**
   * Recognises the engine from the probe and one {@code /metrics} answer ({@code null} when not
   * asked); {@code emulator} when the target is capkit's own emulator (it speaks vLLM's names).
   */
  public static EngineIdentity of(ProbeResult probe, ControlAnswer metricsAnswer, boolean emulator) {
    List<String> evidence = new ArrayList<>();
    ServingEngine byOwner = EngineVocabulary.engineOfOwner(probe.ownedBy());
    if (probe.ownedBy() != null) {
      evidence.add("/v1/models owned_by=" + probe.ownedBy());
    }
    ServingEngine byMetrics = ServingEngine.UNKNOWN;
    String metrics;
    boolean process = false;
    if (metricsAnswer == null) {
      metrics = "not asked";
    } else if (!metricsAnswer.answered()) {
      metrics = "no answer: " + metricsAnswer.problem();
    } else if (metricsAnswer.status() != 200) {
      metrics = "HTTP " + metricsAnswer.status() + " " + metricsAnswer.reason();
    } else {
      Map<String, Double> values = EngineVocabulary.translate(PrometheusScraper.parse(metricsAnswer.body()));
      byMetrics = EngineVocabulary.engineOf(values.keySet());
      List<String> understood = EngineVocabulary.understood(values);
      process = understood.contains(EngineVocabulary.CPU_SECONDS) || understood.contains(EngineVocabulary.RESIDENT_BYTES);
      metrics = values.size() + " series; capkit reads " + (understood.isEmpty() ? "none of them" : String.join(", ", understood));
      if (byMetrics != ServingEngine.UNKNOWN) {
        evidence.add("/metrics series prefix " + byMetrics.metricPrefix());
      }
    }
    String server = probe.server();
    if (server != null) {
      evidence.add("Server: " + server);
    }
    // capkit's emulator speaks vLLM's names; its Server header tells it apart when it was started by hand.
    boolean emulatorAnswered = server != null && server.startsWith(EMULATOR_SERVER);
    ServingEngine engine = emulator || emulatorAnswered ? ServingEngine.CAPKIT_EMULATOR
        : byMetrics != ServingEngine.UNKNOWN ? byMetrics : byOwner;
    if (emulator) {
      evidence.add(0, "capkit started it");
    }
    return new EngineIdentity(engine, evidence.isEmpty() ? "nothing the target said names its engine" : String.join("; ", evidence),
        probe.ownedBy(), server, metrics, process);
  }

  /** run.json's {@code target.served}. */
  public Map<String, String> describe(String model) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("engine", engine.id());
    m.put("engineEvidence", evidence);
    m.put("model", model);
    if (ownedBy != null) {
      m.put("ownedBy", ownedBy);
    }
    if (server != null) {
      m.put("server", server);
    }
    m.put("metrics", metrics);
    m.put("processMetrics", processMetrics ? "exported" : "none exported: container CPU/memory cannot be sized from this run");
    return m;
  }
}

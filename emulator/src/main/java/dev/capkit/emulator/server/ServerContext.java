package dev.capkit.emulator.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.twin.PromptAdmission;
import dev.capkit.twin.ServingPlan;
import dev.capkit.emulator.runtime.EngineMetrics;
import dev.capkit.emulator.runtime.RealTimeEngine;

/**
 * What the HTTP handler needs, shared by all connections.
 *
 * @param readyAtNanos        {@code nanoTime} after which the "loading" period is over
 * @param brokenStreamFraction fault hook (see {@code EmulatorOptions})
 */
public record ServerContext(
    ServingPlan plan,
    PromptAdmission admission,
    RealTimeEngine engine,
    EngineMetrics metrics,
    String apiKey,
    long readyAtNanos,
    long seed,
    double brokenStreamFraction,
    ObjectMapper json) {

  public String modelName() {
    return plan.model().servedModelName();
  }
}

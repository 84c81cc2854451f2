package dev.capkit.core.results;

import java.util.Map;

/**
 * What was measured. Never holds credentials: the API key is not part of a run.
 *
 * @param url      base URL requests went to
 * @param kind     {@code emulator} (embedded, in-process) or {@code remote}
 * @param tier     instance tier id the measurement stands for (label given with {@code -Dcapkit.tier})
 * @param emulator emulator settings when {@code kind} is {@code emulator}, else empty
 */
public record TargetInfo(String url, String model, String kind, String tier, Map<String, String> emulator) {}

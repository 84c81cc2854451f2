package dev.capkit.twin.engine;

/** One output token sampled in a step: the {@code tokenIndex}-th (0-based) of its request; {@code last} ends it. */
public record Emission(EngineRequest request, int tokenIndex, boolean last) {}

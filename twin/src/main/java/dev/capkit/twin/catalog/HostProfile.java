package dev.capkit.twin.catalog;

/**
 * Host-side cost of the emulated serving process (the vLLM API server and engine core), used to
 * report {@code process_cpu_seconds_total} and {@code process_resident_memory_bytes} as the real
 * process would: tokenization and scheduling on the CPU; a base resident set plus per-request
 * buffers in memory. All values are estimates (see serving.json). The host-side times that also
 * delay requests (per-request, image preprocessing, detokenization) are fitted coefficients:
 * {@link dev.capkit.twin.physics.TwinCoefficients}.
 */
public record HostProfile(
    double baseRssGib,
    double rssPerImageRequestMib,
    double rssPerTextRequestMib,
    double tokenizeMicrosPerChar,
    double schedulerMicrosPerStep,
    double schedulerMicrosPerSeq) {}

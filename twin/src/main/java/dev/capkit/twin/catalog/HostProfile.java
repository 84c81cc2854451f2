package dev.capkit.twin.catalog;

/**
 * Host-side cost of the emulated serving process (the vLLM API server and engine core), used to
 * report {@code process_cpu_seconds_total} and {@code process_resident_memory_bytes} as the real
 * process would: tokenization, image preprocessing, scheduling and detokenization on the CPU;
 * a base resident set plus per-request buffers in memory. All values are estimates (see serving.json).
 */
public record HostProfile(
    double baseRssGib,
    double rssPerImageRequestMib,
    double rssPerTextRequestMib,
    double tokenizeMicrosPerChar,
    double imagePreprocessMillisPerMegapixel,
    double schedulerMicrosPerStep,
    double schedulerMicrosPerSeq,
    double detokenizeMicrosPerToken) {}

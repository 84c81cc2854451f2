package dev.capkit.core.scenario;

import java.time.Duration;

/**
 * Client-side timeouts, explicit because they decide what counts as an error. The seed article's
 * 1 s / 2 s / 3 s (connect / response header / total) would fail every multi-second LLM stream.
 *
 * @param connect   TCP connect
 * @param firstByte send to response headers
 * @param total     send to the end of the whole response
 */
public record ClientTimeouts(Duration connect, Duration firstByte, Duration total) {}

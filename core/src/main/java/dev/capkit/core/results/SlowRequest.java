package dev.capkit.core.results;

/** One of a step's slowest requests, kept so it can be found in the server's logs by its ids. */
public record SlowRequest(String requestId, String traceId, String kind, double e2eMs, String outcome) {}

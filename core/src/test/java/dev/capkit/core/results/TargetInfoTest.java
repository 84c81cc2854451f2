package dev.capkit.core.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code target.access} and {@code target.served} are additive to results format v1: absent when empty, read back when present. */
class TargetInfoTest {

  private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @Test
  void accessAndServedRoundTripAndStayOutWhenEmpty() throws Exception {
    TargetInfo full = new TargetInfo("https://gw.example.com/api", "m", "remote", "t", Map.of(), null,
        Map.of("trust", "insecure (no certificate or host name check, explicit opt-in)", "tls", "TLSv1.3 TLS_AES_128_GCM_SHA256"),
        Map.of("engine", "vllm", "engineEvidence", "/v1/models owned_by=vllm"));
    String text = JSON.writeValueAsString(full);
    assertEquals(full, JSON.readValue(text, TargetInfo.class));

    String old = JSON.writeValueAsString(new TargetInfo("http://127.0.0.1:8000", "m", "remote", "t", Map.of()));
    assertFalse(old.contains("access") || old.contains("served"), old);
    TargetInfo read = JSON.readValue(old, TargetInfo.class);
    assertTrue(read.access().isEmpty() && read.served().isEmpty());
  }
}

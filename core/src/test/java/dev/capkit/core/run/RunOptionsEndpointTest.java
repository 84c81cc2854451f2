package dev.capkit.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.ScenarioException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Endpoint settings are run-level (not scenario overrides); the API key never comes from a flag. */
class RunOptionsEndpointTest {

  @Test
  void endpointSettingsGoToTheTarget() {
    Properties p = new Properties();
    p.setProperty("capkit.target", "https://gw.example.com/api/v1");
    p.setProperty("capkit.auth", "header:api-key");
    p.setProperty("capkit.caBundle", "ca.pem");
    p.setProperty("capkit.header.X-Tenant", "t1");
    p.setProperty("capkit.exactOutputLengths", "true");
    p.setProperty("capkit.loadgen.realtime", "10");
    RunOptions o = RunOptions.parse(p, Map.of("CAPKIT_API_KEY", "k"));
    assertEquals("https://gw.example.com/api", o.target().url().toString());
    assertEquals(Map.of("auth", "header:api-key", "caBundle", "ca.pem", "header.X-Tenant", "t1", "exactOutputLengths", "true",
        "loadgen.realtime", "10"), o.target().endpoint());
    assertEquals("k", o.target().apiKey());
    assertTrue(o.overrides().isEmpty(), o.overrides().toString());
  }

  @Test
  void aRealtimePriorityThatIsNoneIsRefusedNamingPropertyAndValue() {
    for (String bad : new String[] {"high", "100", "-1", "2.5"}) {
      Properties p = new Properties();
      p.setProperty("capkit.loadgen.realtime", bad);
      ScenarioException e = assertThrows(ScenarioException.class, () -> RunOptions.parse(p, Map.of()));
      assertEquals("-Dcapkit.loadgen.realtime", e.source());
      assertTrue(e.getMessage().contains("'" + bad + "' is not a SCHED_FIFO priority"), e.getMessage());
    }
  }

  @Test
  void apiKeyFlagIsRefusedWithoutEchoingIt() {
    Properties p = new Properties();
    p.setProperty("capkit.apiKey", "sk-secret-77");
    ScenarioException e = assertThrows(ScenarioException.class, () -> RunOptions.parse(p, Map.of()));
    assertEquals("-Dcapkit.apiKey", e.source());
    assertTrue(e.getMessage().contains("CAPKIT_API_KEY"), e.getMessage());
    assertFalse(e.getMessage().contains("sk-secret-77"));
  }
}

package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.ScenarioException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoint settings from properties and environment: the key never from a flag, bad values named with property and value. */
class EndpointPropertiesTest {

  private static final String KEY = "sk-never-printed-42";

  @TempDir
  Path dir;

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  private static ScenarioException refused(Properties p, Map<String, String> env) {
    return assertThrows(ScenarioException.class, () -> EndpointProperties.from(p, env));
  }

  @Test
  void keyFromTheEnvironmentByDefaultNeverPrinted() {
    EndpointProperties ep = EndpointProperties.from(props(), Map.of("CAPKIT_API_KEY", KEY));
    assertEquals(KEY, ep.apiKey());
    assertEquals("Authorization: Bearer (bearer, key from CAPKIT_API_KEY)", ep.describe().get("auth"));
    assertFalse(ep.toString().contains(KEY) || ep.describe().toString().contains(KEY));
    assertEquals("none", EndpointProperties.from(props(), Map.of()).describe().get("auth"));
  }

  @Test
  void keyFromAFileFirstLineTrimmed() throws Exception {
    Path file = dir.resolve("key.txt");
    Files.writeString(file, KEY + "\n");
    EndpointProperties ep = EndpointProperties.from(props("capkit.apiKeyFile", file.toString(), "capkit.auth", "header:api-key"),
        Map.of());
    assertEquals(KEY, ep.apiKey());
    assertEquals("api-key", ep.options().auth().headerName());
    assertTrue(ep.describe().get("auth").contains("key from file " + file.toAbsolutePath()), ep.describe().toString());
  }

  @Test
  void keyOnTheCommandLineIsRefusedWithoutEchoingIt() {
    ScenarioException e = refused(props("capkit.apiKey", KEY), Map.of());
    assertEquals("-Dcapkit.apiKey", e.source());
    assertTrue(e.getMessage().contains("CAPKIT_API_KEY") && e.getMessage().contains("-Dcapkit.apiKeyFile"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY));
  }

  @Test
  void badValuesNameTheirProperty() throws Exception {
    assertEquals("-Dcapkit.apiKeyFile", refused(props("capkit.apiKeyFile", dir.resolve("nope").toString()), Map.of()).source());
    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "\n");
    assertTrue(refused(props("capkit.apiKeyFile", empty.toString()), Map.of()).getMessage().contains("empty"));
    Path file = dir.resolve("k.txt");
    Files.writeString(file, KEY);
    assertTrue(refused(props("capkit.apiKeyFile", file.toString()), Map.of("CAPKIT_API_KEY", "x")).getMessage()
        .contains("give one"));

    ScenarioException auth = refused(props("capkit.auth", "token"), Map.of());
    assertEquals("-Dcapkit.auth: 'token' is not an auth header form (use one of: bearer, bare, header:<name>)", auth.getMessage());
    assertEquals("-Dcapkit.insecure", refused(props("capkit.insecure", "yes"), Map.of()).source());
    assertEquals("-Dcapkit.insecure", refused(props("capkit.insecure", "true", "capkit.caBundle", "ca.pem"), Map.of()).source());
    ScenarioException bundle = refused(props("capkit.caBundle", dir.resolve("ca.pem").toString()), Map.of());
    assertEquals("-Dcapkit.caBundle", bundle.source());
    assertTrue(bundle.getMessage().contains(dir.resolve("ca.pem").toString()), bundle.getMessage());
    ScenarioException proxy = refused(props("capkit.proxy", "http://proxy.example.com"), Map.of());
    assertEquals("-Dcapkit.proxy: proxy 'http://proxy.example.com' must name its port (http://host:port)", proxy.getMessage());
    assertEquals("-Dcapkit.proxy", refused(props("capkit.proxy", "socks5://p:1080"), Map.of()).source());
    ScenarioException host = refused(props("capkit.header.Host", "evil"), Map.of());
    assertEquals("-Dcapkit.header.Host: extra header 'Host': capkit sets this header itself", host.getMessage());
    ScenarioException keyHeader = refused(props("capkit.header.Authorization", "Bearer x"), Map.of());
    assertTrue(keyHeader.getMessage().contains("carries the API key"), keyHeader.getMessage());
  }

  @Test
  void extraHeadersAndProxyAndTrustAreRecordedWithoutValues() {
    EndpointProperties ep = EndpointProperties.from(props("capkit.header.X-Tenant", "secret-tenant", "capkit.proxy",
        "http://127.0.0.1:3128", "capkit.insecure", "true"), Map.of());
    assertEquals(Map.of("X-Tenant", "secret-tenant"), ep.options().extraHeaders());
    assertEquals("X-Tenant (values not recorded)", ep.describe().get("extraHeaders"));
    assertEquals("http://127.0.0.1:3128", ep.describe().get("proxy"));
    assertTrue(ep.describe().get("trust").startsWith("insecure"));
    assertNull(ep.apiKey());
  }
}

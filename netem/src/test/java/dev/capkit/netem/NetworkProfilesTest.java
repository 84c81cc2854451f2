package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.LatencyToxic;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NetworkProfilesTest {

  @Test
  void shippedProfilesLoadFromTheClasspathAndTheRepositoryFile() {
    NetworkProfiles shipped = NetworkProfiles.loadDefault();
    NetworkProfiles file = NetworkProfiles.load(Path.of("..", "scenarios", "network", "network-profiles.json"));
    assertEquals(file.all(), shipped.all());
    for (String name : new String[] {"none", "vpc-5ms", "vpc-20ms", "vpc-50ms", "cross-region", "lossy-mobile", "flapping-upstream"}) {
      assertTrue(shipped.all().containsKey(name), name);
      assertTrue(!shipped.get(name).description().isEmpty(), name + " has a description");
    }
    assertTrue(shipped.get("none").toxics().isEmpty());
  }

  @Test
  void vpcProfilesAddTheirNameAsRoundTripTime() {
    NetworkProfiles p = NetworkProfiles.loadDefault();
    for (int rtt : new int[] {5, 20, 50}) {
      long sum = p.get("vpc-" + rtt + "ms").toxics().stream()
          .filter(t -> t.toxic() instanceof LatencyToxic)
          .mapToLong(t -> ((LatencyToxic) t.toxic()).latency()).sum();
      assertEquals(rtt, sum, "vpc-" + rtt + "ms: one-way latencies add up to the RTT");
    }
  }

  @Test
  void errorsNameFileFieldAndValue() {
    String bad = """
        {"format": "capkit-network-profiles/1", "profiles": {"x": {"toxics": [
          {"type": "latency", "attributes": {"latency": -3}}]}}}""";
    var e = assertThrows(NetworkProfileException.class,
        () -> NetworkProfiles.parse("net.json", new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))));
    assertEquals("net.json: field 'profiles.x.toxics[0].attributes.latency': expected a whole number in [0, 3600000], found number -3",
        e.getMessage());
    String badType = """
        {"format": "capkit-network-profiles/1", "profiles": {"x": {"toxics": [{"type": "lag"}]}}}""";
    var e2 = assertThrows(NetworkProfileException.class,
        () -> NetworkProfiles.parse("net.json", new ByteArrayInputStream(badType.getBytes(StandardCharsets.UTF_8))));
    assertTrue(e2.getMessage().startsWith("net.json: field 'profiles.x.toxics[0].type': unknown toxic type 'lag' (known: latency, "), e2.getMessage());
    var e3 = assertThrows(NetworkProfileException.class, () -> NetworkProfiles.loadDefault().get("vpc-10ms"));
    assertTrue(e3.getMessage().contains("no network profile 'vpc-10ms' (known: none, vpc-5ms"), e3.getMessage());
  }
}

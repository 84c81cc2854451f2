package dev.capkit.netem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.netem.toxic.ToxicSettingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network profiles file ({@code scenarios/network/network-profiles.json}, format
 * {@code capkit-network-profiles/1}), read into named {@link NetworkProfile}s:
 *
 * <pre>{@code
 * {"format": "capkit-network-profiles/1",
 *  "profiles": {
 *    "vpc-20ms": {"description": "...", "source": "...",
 *                 "toxics": [{"name": "rtt_up", "type": "latency", "stream": "upstream", "attributes": {"latency": 10}}]}}}
 * }</pre>
 *
 * Each toxic is exactly toxiproxy's toxic JSON (POSTable to {@code /proxies/{name}/toxics}). Every
 * problem names the file, the field path and the value, e.g.
 * {@code scenarios/network/network-profiles.json: field 'profiles.vpc-20ms.toxics[0].attributes.latency': expected ...}.
 * A copy ships on the classpath ({@value #RESOURCE}); {@link #loadDefault()} reads it.
 */
public final class NetworkProfiles {
  public static final String FORMAT = "capkit-network-profiles/1";
  public static final String RESOURCE = "capkit/network-profiles.json";

  private final String origin;
  private final Map<String, NetworkProfile> profiles;

  private NetworkProfiles(String origin, Map<String, NetworkProfile> profiles) {
    this.origin = origin;
    this.profiles = Collections.unmodifiableMap(profiles);
  }

  public static NetworkProfiles load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(file.toString(), in);
    } catch (IOException e) {
      throw new NetworkProfileException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The profiles shipped on the classpath. */
  public static NetworkProfiles loadDefault() {
    try (InputStream in = NetworkProfiles.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new NetworkProfileException("classpath:" + RESOURCE + ": not found");
      }
      return parse("classpath:" + RESOURCE, in);
    } catch (IOException e) {
      throw new NetworkProfileException("classpath:" + RESOURCE + ": cannot read: " + e.getMessage(), e);
    }
  }

  static NetworkProfiles parse(String origin, InputStream in) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(in);
    } catch (JsonProcessingException e) {
      throw new NetworkProfileException(origin + ": not valid JSON: " + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr(), e);
    }
    if (root == null || !root.isObject()) {
      throw new NetworkProfileException(origin + ": expected a JSON object");
    }
    JsonNode format = root.get("format");
    if (format == null || !FORMAT.equals(format.asText())) {
      throw new NetworkProfileException(origin + ": field 'format': expected '" + FORMAT + "', found " + format);
    }
    JsonNode list = root.get("profiles");
    if (list == null || !list.isObject()) {
      throw new NetworkProfileException(origin + ": field 'profiles': expected an object of named profiles, found " + list);
    }
    Map<String, NetworkProfile> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : list.properties()) {
      out.put(e.getKey(), profile(origin, e.getKey(), e.getValue()));
    }
    return new NetworkProfiles(origin, out);
  }

  private static NetworkProfile profile(String origin, String name, JsonNode node) {
    String at = "profiles." + name;
    if (!node.isObject()) {
      throw new NetworkProfileException(origin + ": field '" + at + "': expected an object, found " + node);
    }
    JsonNode toxicsNode = node.get("toxics");
    if (toxicsNode == null || !toxicsNode.isArray()) {
      throw new NetworkProfileException(origin + ": field '" + at + ".toxics': expected an array, found " + toxicsNode);
    }
    List<ToxicSpec> toxics = new ArrayList<>();
    for (int i = 0; i < toxicsNode.size(); i++) {
      ToxicSpec spec;
      try {
        spec = ToxicJson.read(toxicsNode.get(i));
      } catch (ToxicSettingException ex) {
        throw new NetworkProfileException(origin + ": " + ex.within(at + ".toxics[" + i + "]").getMessage(), ex);
      }
      for (ToxicSpec other : toxics) {
        if (other.name().equals(spec.name())) {
          throw new NetworkProfileException(origin + ": field '" + at + ".toxics[" + i + "].name': duplicate toxic name '" + spec.name() + "'");
        }
      }
      toxics.add(spec);
    }
    return new NetworkProfile(name, node.path("description").asText(""), node.path("source").asText(""), toxics);
  }

  /** The profile of that name; an unknown name lists the known ones. */
  public NetworkProfile get(String name) {
    NetworkProfile p = profiles.get(name);
    if (p == null) {
      throw new NetworkProfileException(origin + ": no network profile '" + name + "' (known: " + String.join(", ", profiles.keySet()) + ")");
    }
    return p;
  }

  public Map<String, NetworkProfile> all() {
    return profiles;
  }

  public String origin() {
    return origin;
  }
}

package dev.capkit.netem.toxic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The toxic registry: type name to a parser of its attributes. toxiproxy's seven types keep their
 * names and attributes; capkit adds {@code connect_latency}, {@code stall} and {@code down}.
 *
 * <pre>{@code
 * Toxic t = ToxicTypes.parse("latency", json.get("attributes"));
 * }</pre>
 */
public final class ToxicTypes {
  private static final Map<String, Function<ToxicAttributes, Toxic>> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put(LatencyToxic.TYPE, LatencyToxic::from);
    TYPES.put(BandwidthToxic.TYPE, BandwidthToxic::from);
    TYPES.put(SlowCloseToxic.TYPE, SlowCloseToxic::from);
    TYPES.put(TimeoutToxic.TYPE, TimeoutToxic::from);
    TYPES.put(ResetPeerToxic.TYPE, ResetPeerToxic::from);
    TYPES.put(SlicerToxic.TYPE, SlicerToxic::from);
    TYPES.put(LimitDataToxic.TYPE, LimitDataToxic::from);
    TYPES.put(ConnectLatencyToxic.TYPE, ConnectLatencyToxic::from);
    TYPES.put(StallToxic.TYPE, StallToxic::from);
    TYPES.put(DownToxic.TYPE, DownToxic::from);
  }

  private ToxicTypes() {}

  /** Known type names, in registration order. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(TYPES.keySet());
  }

  /** Parses {@code attributes} as a toxic of {@code type}; unknown types and bad values name the field. */
  public static Toxic parse(String type, JsonNode attributes) {
    Function<ToxicAttributes, Toxic> parser = type == null ? null : TYPES.get(type);
    if (parser == null) {
      throw new ToxicSettingException("type", "unknown toxic type " + (type == null ? "(missing)" : "'" + type + "'")
          + " (known: " + String.join(", ", TYPES.keySet()) + ")");
    }
    return parser.apply(ToxicAttributes.of(attributes));
  }
}

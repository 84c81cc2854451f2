package dev.capkit.gate;

import java.util.List;
import java.util.Map;

/**
 * What makes two runs comparable: the scenario's name, load model and mix, and each step's
 * offered load and network profile. The seed and the tier are kept to be reported, not required
 * to match (another seed is another sample of the same load; another tier is a canary's business).
 *
 * <pre>{@code
 * List<String> problems = baseline.scenario().mismatches(current.scenario());  // empty when comparable
 * }</pre>
 *
 * @param mix kind to weight
 */
public record ScenarioIdentity(String name, long seed, String loadModel, Map<String, Double> mix, String tier) {
  public ScenarioIdentity {
    mix = Map.copyOf(mix);
  }

  /** Differences that make a comparison meaningless, one sentence each naming the field and both values. */
  public List<String> mismatches(ScenarioIdentity current) {
    List<String> out = new java.util.ArrayList<>();
    if (!name.equals(current.name)) {
      out.add("scenario.name: baseline '" + name + "', current '" + current.name + "'");
    }
    if (!loadModel.equals(current.loadModel)) {
      out.add("scenario.loadModel: baseline '" + loadModel + "', current '" + current.loadModel + "'");
    }
    if (!new java.util.TreeMap<>(mix).equals(new java.util.TreeMap<>(current.mix))) {
      out.add("scenario.mix (kind=weight): baseline " + new java.util.TreeMap<>(mix) + ", current " + new java.util.TreeMap<>(current.mix));
    }
    return out;
  }
}

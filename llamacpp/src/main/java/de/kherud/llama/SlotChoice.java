package de.kherud.llama;

/**
 * Puts llama.cpp server's {@code id_slot} request field into {@link InferenceParameters}, which has
 * no setter for it in de.kherud:llama 4.2.0 (its JSON map is package-private; this class shares the
 * package on the class path to reach it). capkit's engine chooses each completion's slot itself so
 * that it knows the order in which llama.cpp pushes a step's results (slot order): see
 * {@code dev.capkit.llamacpp.engine.ResultDispatcher}.
 */
public final class SlotChoice {
  private SlotChoice() {
  }

  /** {@code parameters} with {@code "id_slot": slot} (llama.cpp runs the task in that slot, deferring it while busy). */
  public static InferenceParameters inSlot(InferenceParameters parameters, int slot) {
    if (slot < 0) {
      throw new IllegalArgumentException("slot must be >= 0, got " + slot);
    }
    parameters.parameters.put("id_slot", Integer.toString(slot));
    return parameters;
  }
}

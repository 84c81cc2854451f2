package dev.capkit.simulations;

import dev.capkit.core.scenario.RequestMix;
import dev.capkit.core.scenario.RequestType;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.loadgen.ChatRequest;
import dev.capkit.loadgen.PhoneStepRequests;
import dev.capkit.loadgen.ScreenshotPool;
import dev.capkit.loadgen.TextChatRequests;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Builds the request for each planned arrival or agent turn from the scenario's mix. Content is a
 * pure function of the scenario seed and the arrival's sequence number (or the agent and turn), so
 * runs are reproducible; the expensive parts (screenshots, prompts) are built once up front.
 */
public final class RequestFactory {
  private final Scenario scenario;
  private final double charsPerToken;
  private final boolean exactOutputLengths;
  private final double[] cumulative;
  private final List<BiFunction<SplittableRandom, long[], ChatRequest>> builders = new ArrayList<>();
  /** Per mix entry: its recorded workload, or null for generated requests. */
  private final List<RecordedWorkload> recorded = new ArrayList<>();

  public RequestFactory(Scenario scenario) {
    this(scenario, TextChatRequests.CHARS_PER_TOKEN, false);
  }

  /**
   * @param charsPerToken      text prompt characters per token on the target ({@code PromptTokenizer}, or 4 as an estimate)
   * @param exactOutputLengths send {@code ignore_eos} on text chats so outputs run to {@code maxTokens}
   *                           (only for engines that honour it)
   */
  public RequestFactory(Scenario scenario, double charsPerToken, boolean exactOutputLengths) {
    this.scenario = scenario;
    this.charsPerToken = charsPerToken;
    this.exactOutputLengths = exactOutputLengths;
    this.cumulative = ArrivalSchedule.cumulativeWeights(scenario.mix());
    for (RequestMix m : scenario.mix()) {
      RecordedWorkload r = m.type().recorded() ? RecordedWorkload.of(scenario, m, exactOutputLengths) : null;
      recorded.add(r);
      builders.add(r != null ? recordedBuilder(r) : builder(m));
    }
  }

  /** key = {content key, -1} for an open-loop arrival, {agent, turn} for a closed-loop turn. */
  private static BiFunction<SplittableRandom, long[], ChatRequest> recordedBuilder(RecordedWorkload r) {
    return (rng, key) -> key[1] < 0 ? r.forArrival(key[0]) : r.forAgentTurn(key[0], (int) key[1]);
  }

  /**
   * Model calls in closed-loop agent {@code agent}'s task: its recorded session's or conversation's
   * length when the mix replays one (a closed-loop recorded mix has that one entry), else {@code stepsPerTask}.
   */
  public int turnsOfTask(long agent, int stepsPerTask) {
    RecordedWorkload r = recorded.get(0);
    return r != null && recorded.size() == 1 ? r.turnsOfTask(agent) : stepsPerTask;
  }

  /** Think time after a closed-loop agent's turn: the recorded one when sessions are replayed, else {@code thinkTime}. */
  public java.time.Duration thinkAfter(long agent, int turn, java.time.Duration thinkTime) {
    RecordedWorkload r = recorded.get(0);
    java.time.Duration recordedThink = r != null && recorded.size() == 1 ? r.thinkAfter(agent, turn) : null;
    return recordedThink != null ? recordedThink : thinkTime;
  }

  private BiFunction<SplittableRandom, long[], ChatRequest> builder(RequestMix m) {
    if (m.type() == RequestType.PHONE_STEP) {
      PhoneStepRequests steps = new PhoneStepRequests(m.kind(), scenario.model(),
          m.language().equals("zh") ? PhoneStepRequests.Language.ZH : PhoneStepRequests.Language.EN,
          m.maxTokens(), m.screenshotFolder().isEmpty() ? ScreenshotPool.of(m.screenshotWidth(), m.screenshotHeight())
              : ScreenshotPool.ofFolder(java.nio.file.Path.of(m.screenshotFolder()), "mix[].screenshots"));
      // key = {content key or task instance, priorTurns}; priorTurns < 0 means "use the mix's historyTurns".
      // The key is also the session: distinct arrivals / task instances share only the system prompt.
      return (rng, key) -> steps.step((int) (key[0] % steps.taskCount()),
          key[1] < 0 ? m.historyTurns() : (int) Math.min(key[1], PhoneStepRequests.MAX_STEPS - 1), key[0]);
    }
    TextChatRequests chats = new TextChatRequests(m.kind(), scenario.model(), m.stream(), exactOutputLengths, charsPerToken);
    return (rng, key) -> chats.request(m.promptTokens().sample(rng), m.maxTokens(), rng.nextLong());
  }

  /**
   * The request of a planned open-loop arrival, marked with its plan key {@code s<seed>-a<content key>}
   * (the same whichever injector sends it, so capkit's emulator gives it the same answer in every
   * run of this plan, and in every step that repeats a level under another network profile: paired
   * runs and paired steps).
   */
  public ChatRequest forArrival(Arrival a) {
    SplittableRandom rng = new SplittableRandom(scenario.seed() * 0x9E3779B97F4A7C15L + a.contentKey());
    return builders.get(a.mixIndex()).apply(rng, new long[] {a.contentKey(), -1})
        .withPlanKey("s" + scenario.seed() + "-a" + a.contentKey());
  }

  /**
   * The request of a closed-loop agent's turn: the conversation grows by one turn per step. Its
   * plan key {@code s<seed>-g<agent>-t<turn>} is the same whichever injector runs the agent (agents
   * are numbered across injectors), so the k-th task instance gets the same answers from capkit's
   * emulator in a run split over N injectors as in one; when each turn is sent still depends on
   * the answers before it.
   */
  public ChatRequest forAgentTurn(long agent, int turn) {
    SplittableRandom rng = new SplittableRandom(scenario.seed() * 0x9E3779B97F4A7C15L + agent * 1_000_003L + turn);
    int mix = ArrivalSchedule.pick(rng, cumulative);
    return builders.get(mix).apply(rng, new long[] {agent, turn})
        .withPlanKey("s" + scenario.seed() + "-g" + agent + "-t" + turn);
  }
}

package dev.capkit.simulations;

import dev.capkit.core.scenario.LoadShape;
import dev.capkit.core.scenario.RequestMix;
import dev.capkit.core.scenario.RequestType;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.workload.AgentSession;
import dev.capkit.core.workload.AgentSessionReader;
import dev.capkit.core.workload.ChatConversation;
import dev.capkit.core.workload.SessionStep;
import dev.capkit.core.workload.ShareGptReader;
import dev.capkit.core.workload.TraceFormat;
import dev.capkit.core.workload.TraceRequest;
import dev.capkit.loadgen.ChatRequest;
import dev.capkit.loadgen.ConversationRequests;
import dev.capkit.loadgen.PhoneStepRequests;
import dev.capkit.loadgen.SessionRequests;
import dev.capkit.loadgen.TracePromptRequests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests of one recorded mix entry (a trace line, a recorded agent step, a recorded chat turn),
 * addressed the two ways the main job asks for them:
 * <ul>
 *   <li>open loop, by the arrival's content key: a trace line ({@code key = level << 32 | line}: each
 *       level's blocks under their own salt, so a replay at another speed shares no prefix with the
 *       first; paired network steps of one level share the key and so the requests), or the
 *       recording's steps or user turns in file order, round and round;</li>
 *   <li>closed loop, by agent and turn: agent {@code a} works through session (or conversation)
 *       {@code a mod count}, one step (user turn) per turn; the task is as long as the recording,
 *       and a recorded session's think times are its own.</li>
 * </ul>
 * Built once, up front (recordings are read when the scenario is loaded; here again, already checked).
 */
final class RecordedWorkload {
  private final RequestType type;
  private final List<TraceRequest> trace;
  private final TracePromptRequests traceRequests;
  private final long seed;
  private final List<List<SessionStep>> sessions;
  private final SessionRequests sessionRequests;
  private final List<List<ChatRequest>> conversations;
  private final List<ChatRequest> flatTurns = new ArrayList<>();

  private RecordedWorkload(RequestType type, List<TraceRequest> trace, TracePromptRequests traceRequests, long seed,
      List<List<SessionStep>> sessions, SessionRequests sessionRequests, List<List<ChatRequest>> conversations) {
    this.type = type;
    this.trace = trace;
    this.traceRequests = traceRequests;
    this.seed = seed;
    this.sessions = sessions;
    this.sessionRequests = sessionRequests;
    this.conversations = conversations;
    conversations.forEach(flatTurns::addAll);
  }

  /** The workload of {@code m} ({@link RequestType#recorded()} types only). */
  static RecordedWorkload of(Scenario scenario, RequestMix m, boolean exactOutputLengths) {
    switch (m.type()) {
      case TRACE -> {
        LoadShape.Trace t = (LoadShape.Trace) scenario.load();
        List<TraceRequest> lines = TraceFormat.named(t.format(), t.trace(), "load.format").read(Path.of(t.trace()));
        return new RecordedWorkload(m.type(), lines,
            new TracePromptRequests(m.kind(), scenario.model(), m.stream(), exactOutputLengths, scenario.seed()),
            scenario.seed(), List.of(), null, List.of());
      }
      case RECORDED_SESSION -> {
        List<List<SessionStep>> sessions = AgentSessionReader.read(Path.of(m.recording())).stream()
            .map(AgentSession::steps).toList();
        PhoneStepRequests.Language language = m.language().equals("zh") ? PhoneStepRequests.Language.ZH
            : PhoneStepRequests.Language.EN;
        return new RecordedWorkload(m.type(), List.of(), null, scenario.seed(), sessions,
            new SessionRequests(m.kind(), scenario.model(), language), List.of());
      }
      case RECORDED_CHAT -> {
        ConversationRequests chats = new ConversationRequests(m.kind(), scenario.model(), m.stream(), m.maxTokens());
        List<List<ChatRequest>> conversations = new ArrayList<>();
        for (ChatConversation c : ShareGptReader.read(Path.of(m.recording()))) {
          List<ChatRequest> turns = chats.requests(c);
          if (!turns.isEmpty()) {
            conversations.add(turns);
          }
        }
        if (conversations.isEmpty()) {
          throw new dev.capkit.core.scenario.ScenarioException(m.recording(), "", "no conversation has a user turn");
        }
        return new RecordedWorkload(m.type(), List.of(), null, scenario.seed(), List.of(), null, conversations);
      }
      default -> throw new IllegalArgumentException(m.type().key() + " is not a recorded workload");
    }
  }

  /** The request of an open-loop arrival with content key {@code key}. */
  ChatRequest forArrival(long key) {
    return switch (type) {
      case TRACE -> {
        long level = key >>> 32;
        yield traceRequests.request(trace.get((int) (key & 0xFFFF_FFFFL)), seed * 0x9E37_79B9_7F4A_7C15L + level);
      }
      case RECORDED_SESSION -> {
        int total = sessions.stream().mapToInt(List::size).sum();
        int i = (int) Math.floorMod(key, (long) total);
        for (List<SessionStep> s : sessions) {
          if (i < s.size()) {
            yield sessionRequests.request(s.get(i));
          }
          i -= s.size();
        }
        throw new IllegalStateException("unreachable");
      }
      default -> flatTurns.get((int) Math.floorMod(key, (long) flatTurns.size()));
    };
  }

  /** The request of a closed-loop agent's turn (0-based within its task). */
  ChatRequest forAgentTurn(long agent, int turn) {
    return type == RequestType.RECORDED_SESSION
        ? sessionRequests.request(session(agent).get(Math.min(turn, session(agent).size() - 1)))
        : conversation(agent).get(Math.min(turn, conversation(agent).size() - 1));
  }

  /** Model calls in agent {@code agent}'s task: its session's steps or its conversation's user turns. */
  int turnsOfTask(long agent) {
    return type == RequestType.RECORDED_SESSION ? session(agent).size() : conversation(agent).size();
  }

  /** Think time after turn {@code turn} of agent {@code agent}: the recorded one, or null when not recorded. */
  Duration thinkAfter(long agent, int turn) {
    if (type != RequestType.RECORDED_SESSION) {
      return null;
    }
    List<SessionStep> s = session(agent);
    return Duration.ofMillis(s.get(Math.max(0, Math.min(turn, s.size() - 1))).thinkMillis());
  }

  private List<SessionStep> session(long agent) {
    return sessions.get((int) Math.floorMod(agent, (long) sessions.size()));
  }

  private List<ChatRequest> conversation(long agent) {
    return conversations.get((int) Math.floorMod(agent, (long) conversations.size()));
  }
}

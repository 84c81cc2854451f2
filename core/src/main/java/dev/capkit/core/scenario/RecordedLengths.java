package dev.capkit.core.scenario;

import dev.capkit.core.workload.ChatConversation;
import dev.capkit.core.workload.ChatTurn;
import dev.capkit.core.workload.ShareGptReader;
import dev.capkit.core.workload.TraceFormat;
import dev.capkit.core.workload.TraceRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fills a recorded mix entry's {@code promptTokens} (median, p90) and {@code maxTokens} from its file,
 * so that what run.json says was offered, and what the planner predicts other tiers with, is the
 * recording's shape rather than the defaults: a trace's {@code input_length} and the median
 * {@code output_length} (stated input); a conversation's user turns with their history at 4
 * characters per token (an estimate). Recorded sessions keep theirs (phone steps are sized by their
 * screenshots).
 */
final class RecordedLengths {
  private RecordedLengths() {}

  static List<RequestMix> fill(List<RequestMix> mix, LoadShape load) {
    List<RequestMix> out = new ArrayList<>();
    for (RequestMix m : mix) {
      if (m.type() == RequestType.TRACE && load instanceof LoadShape.Trace t) {
        List<TraceRequest> lines = TraceFormat.named(t.format(), t.trace(), "").read(Path.of(t.trace()));
        int[] in = lines.stream().mapToInt(TraceRequest::inputTokens).toArray();
        int[] answer = lines.stream().mapToInt(r -> Math.max(1, r.outputTokens())).toArray();
        out.add(with(m, quantiles(in), quantile(answer, 0.5)));
      } else if (m.type() == RequestType.RECORDED_CHAT) {
        List<Integer> prompts = new ArrayList<>();
        for (ChatConversation c : ShareGptReader.read(Path.of(m.recording()))) {
          int chars = 0;
          for (ChatTurn turn : c.turns()) {
            chars += turn.text().length();
            if (turn.role().equals("user")) {
              prompts.add(Math.max(1, chars / 4));
            }
          }
        }
        out.add(with(m, quantiles(prompts.stream().mapToInt(Integer::intValue).toArray()), m.maxTokens()));
      } else {
        out.add(m);
      }
    }
    return out;
  }

  private static RequestMix with(RequestMix m, TokenDistribution prompt, int maxTokens) {
    return new RequestMix(m.kind(), m.weight(), m.type(), m.stream(), m.screenshotWidth(), m.screenshotHeight(),
        m.historyTurns(), m.language(), prompt, maxTokens, m.screenshotFolder(), m.recording());
  }

  private static TokenDistribution quantiles(int[] values) {
    if (values.length == 0) {
      return TokenDistribution.fixed(1);
    }
    return new TokenDistribution(Math.max(1, quantile(values, 0.5)), Math.max(1, Math.max(quantile(values, 0.5),
        quantile(values, 0.9))));
  }

  /** Nearest-rank quantile. */
  static int quantile(int[] values, double q) {
    int[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}

package dev.capkit.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Phone-agent steps shaped like Open-AutoGLM's client ({@code phone_agent/model/client.py} and
 * {@code agent.py}) sends them: the system prompt, the conversation so far with images stripped
 * from older user turns, then the newest user turn holding the screenshot as a PNG data URL
 * followed by a text part; {@code stream: true}, {@code max_tokens} (default 3000),
 * {@code temperature 0.0}, {@code top_p 0.85}, {@code frequency_penalty 0.2}, plus
 * {@code stream_options.include_usage} so capkit gets token counts.
 *
 * <p>Step {@code n} of a task re-sends {@code n} prior turns: the first user turn is the task plus
 * {@code {"current_app": ...}}, later ones are {@code ** Screen Info **} plus the app; each
 * assistant turn is {@code <think>...</think><answer>do(action=...)</answer>}. The system prompts are
 * stand-in texts of the real lengths (English ~2.7k chars, Chinese ~8k chars) about operating a
 * phone, not the project's own wording. Everything except the screenshot choice, its pixel stamp
 * (a few kilobytes rebuilt per step, {@link StampedScreenshot}) and the session tag is prebuilt.
 *
 * <p><b>Sessions.</b> A step belongs to a session (one agent working on one task instance): the
 * first user turn starts with a tag {@code [task 1a2b3c4d]} derived from the session number, so two
 * sessions share only the system prompt, as two users' tasks do (their own words, screens and
 * answers), while the steps of one session share their conversation. That is what a server with
 * prefix caching (vLLM's default) can reuse; without the tag every session of a built-in task was
 * byte-identical and such a server skipped almost all of their prefill.
 *
 * <pre>{@code
 * var steps = new PhoneStepRequests("phone-step", "autoglm-phone-9b", PhoneStepRequests.Language.ZH,
 *     3000, ScreenshotPool.of(1080, 2400));
 * ChatRequest third = steps.step(0, 2);   // task 0, two prior turns
 * }</pre>
 * Thread-safe once constructed.
 */
public final class PhoneStepRequests {

  /** Which of Open-AutoGLM's prompt languages to mimic. */
  public enum Language { EN, ZH }

  /** Default request kind name. */
  public static final String KIND = "phone-step";
  /** Open-AutoGLM's default {@code max_tokens}. */
  public static final int DEFAULT_MAX_TOKENS = 3000;
  /** Open-AutoGLM stops a task after this many steps. */
  public static final int MAX_STEPS = 100;

  private static final String[][] TASKS_EN = {
      {"Open WeChat and send Zhang San a message saying the meeting moves to 3 pm tomorrow", "WeChat"},
      {"Search Taobao for a wireless mouse, sort by sales and add the first item to the cart", "Taobao"},
      {"Use Amap to find how long it takes to drive from the office to Beijing South Railway Station", "Amap"},
      {"Turn the screen brightness down to the minimum in Settings", "Settings"},
      {"Order the highest-rated braised chicken rice nearby on Meituan", "Meituan"},
      {"Check high-speed train tickets from Shanghai to Hangzhou next Friday on 12306", "12306"},
      {"Find popular camping gear notes on Xiaohongshu and save the first one", "Xiaohongshu"},
      {"Set an alarm for 6:30 tomorrow morning that repeats on weekdays", "Clock"},
  };
  private static final String[][] TASKS_ZH = {
      {"打开微信给张三发消息，说明天下午三点的会议改到四点", "微信"},
      {"在淘宝搜索无线鼠标，按销量排序，把第一个商品加入购物车", "淘宝"},
      {"用高德地图查一下从公司开车到北京南站要多久", "高德地图"},
      {"在设置里把屏幕亮度调到最低", "设置"},
      {"在美团外卖点一份附近评分最高的黄焖鸡米饭", "美团"},
      {"在12306查询下周五从上海到杭州的高铁票", "12306"},
      {"看看小红书上关于露营装备的热门笔记并收藏第一篇", "小红书"},
      {"设置一个明天早上六点半的闹钟，工作日重复", "时钟"},
  };
  private static final String[] THINK_EN = {
      "The home screen is shown; I need the app first, so I launch it.",
      "The app opened with a pop-up covering the list; I close it with the X at the top right.",
      "The search box is at the top of the page; I tap it to bring up the keyboard.",
      "The keyboard is up and the search field is focused; I type the keyword.",
      "Results are listed but not sorted as the task asks; I tap the sort tab.",
      "The target entry is below the fold; I swipe up to reveal more of the list.",
      "The first matching item is visible; I tap it to open the details page.",
      "The details page asks for an option; I pick the default option and confirm.",
  };
  private static final String[] THINK_ZH = {
      "当前在桌面，任务需要的应用不在前台，先启动应用。",
      "应用已经打开，但首页有活动弹窗遮挡内容，点击右上角的关闭按钮。",
      "页面顶部有搜索框，点击搜索框准备输入关键词。",
      "键盘已经弹出，搜索框已获得焦点，输入任务中的关键词。",
      "搜索结果已经显示，但还没有按任务要求排序，点击排序标签。",
      "目标内容不在当前屏幕中，向上滑动列表查看更多结果。",
      "第一个符合条件的结果已经可见，点击进入详情页。",
      "详情页需要选择规格，选择默认规格后点击确定。",
  };

  private final String kind;
  private final ScreenshotPool screenshots;
  private final int taskCount;
  private final byte[] head; // {"model":..,"messages":[{"role":"system","content":..}
  private final byte[] firstTurnAfterImageHead; // "}},{"type":"text","text":"   (then the session tag)
  private final byte[] firstTurnStrippedHead; // ,{"role":"user","content":[{"type":"text","text":"   (then the session tag)
  private final byte[][] firstTurnRest; // per task, after the session tag: <task>\n\n{app}"}]}
  private final byte[][] laterTurnStrippedByTask; // per task: ** Screen Info ** user turn without image
  private final byte[][] laterTurnSuffixByTask; // per task: text part after the image of a later turn
  private final byte[] imagePrefix; // ,{"role":"user","content":[{"type":"image_url","image_url":{"url":"
  private final byte[][][] answers; // per task, per prior step: ,{"role":"assistant","content":..}
  private final byte[] tail; // ],"stream":true,...}
  private final int[] promptCharsFirst;
  private final int systemChars;
  private final int[] screenInfoChars;
  private final int[][] answerChars;

  /** English prompt, 3000 max tokens, four 1080x2400 screenshot variants. */
  public PhoneStepRequests(String model) {
    this(KIND, model, Language.EN, DEFAULT_MAX_TOKENS, ScreenshotPool.of(1080, 2400));
  }

  public PhoneStepRequests(String kind, String model, Language language, int maxTokens, ScreenshotPool screenshots) {
    this.kind = Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(language, "language");
    this.screenshots = Objects.requireNonNull(screenshots, "screenshots");
    if (maxTokens < 1) {
      throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
    }
    String[][] tasks = language == Language.ZH ? TASKS_ZH : TASKS_EN;
    String[] thinks = language == Language.ZH ? THINK_ZH : THINK_EN;
    String systemPrompt = systemPrompt(language);
    this.taskCount = tasks.length;
    this.systemChars = systemPrompt.length();
    this.head = new JsonSegments.Builder()
        .raw("{\"model\":").quoted(model)
        .raw(",\"messages\":[{\"role\":\"system\",\"content\":").quoted(systemPrompt).raw("}")
        .build();
    this.imagePrefix = JsonSegments.raw(
        ",{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"");
    this.firstTurnAfterImageHead = JsonSegments.raw("\"}},{\"type\":\"text\",\"text\":\"");
    this.firstTurnStrippedHead = JsonSegments.raw(",{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"");
    this.firstTurnRest = new byte[taskCount][];
    this.laterTurnStrippedByTask = new byte[taskCount][];
    this.laterTurnSuffixByTask = new byte[taskCount][];
    this.promptCharsFirst = new int[taskCount];
    this.screenInfoChars = new int[taskCount];
    for (int t = 0; t < taskCount; t++) {
      String screenInfo = "{\"current_app\": \"" + tasks[t][1] + "\"}"; // Python json.dumps, ensure_ascii=False
      String firstText = tasks[t][0] + "\n\n" + screenInfo;
      String laterText = "** Screen Info **\n\n" + screenInfo;
      promptCharsFirst[t] = firstText.length();
      screenInfoChars[t] = laterText.length();
      byte[] rest = new JsonSegments.Builder().quoted(firstText).raw("}]}").build();
      firstTurnRest[t] = Arrays.copyOfRange(rest, 1, rest.length); // the string was opened before the tag
      laterTurnStrippedByTask[t] = strippedUserTurn(laterText);
      laterTurnSuffixByTask[t] = textPartAfterImage(laterText);
    }
    this.answers = new byte[taskCount][MAX_STEPS][];
    this.answerChars = new int[taskCount][MAX_STEPS];
    for (int t = 0; t < taskCount; t++) {
      for (int i = 0; i < MAX_STEPS; i++) {
        String answer = "<think>" + thinks[i % thinks.length] + "</think><answer>" + action(i, tasks[t][1])
            + "</answer>";
        answerChars[t][i] = answer.length();
        answers[t][i] = new JsonSegments.Builder()
            .raw(",{\"role\":\"assistant\",\"content\":").quoted(answer).raw("}").build();
      }
    }
    this.tail = JsonSegments.raw("],\"max_tokens\":" + maxTokens
        + ",\"temperature\":0.0,\"top_p\":0.85,\"frequency_penalty\":0.2"
        + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
  }

  /** Number of distinct built-in tasks; {@code task} arguments wrap around it. */
  public int taskCount() {
    return taskCount;
  }

  /** {@link #step(int, int, long)} in session {@code task}: the sessions of one task share their prefix. */
  public ChatRequest step(int task, int priorTurns) {
    return step(task, priorTurns, task);
  }

  /**
   * Step {@code priorTurns + 1} of task {@code task} in session {@code session}: the conversation
   * re-sent with {@code priorTurns} earlier user/assistant exchanges (0 = the first step; at most
   * {@link #MAX_STEPS} - 1) and a fresh screenshot; the first user turn carries the session's tag.
   */
  public ChatRequest step(int task, int priorTurns, long session) {
    if (priorTurns < 0 || priorTurns >= MAX_STEPS) {
      throw new IllegalArgumentException("priorTurns must be 0.." + (MAX_STEPS - 1) + ", got " + priorTurns);
    }
    int t = Math.floorMod(task, taskCount);
    byte[] tag = sessionTag(session);
    byte[][] image = screenshots.dataUrl((int) Math.floorMod(session * 31 + priorTurns, Integer.MAX_VALUE),
        screenStamp(session, priorTurns));
    byte[][] parts = new byte[2 * priorTurns + 6 + image.length][]; // head, turns, image, text part (3 for the first turn), tail
    int p = 0;
    int chars = systemChars + tag.length;
    parts[p++] = head;
    for (int i = 0; i < priorTurns; i++) {
      if (i == 0) {
        parts[p++] = firstTurnStrippedHead;
        parts[p++] = tag;
        parts[p++] = firstTurnRest[t];
      } else {
        parts[p++] = laterTurnStrippedByTask[t];
      }
      parts[p++] = answers[t][i];
      chars += (i == 0 ? promptCharsFirst[t] : screenInfoChars[t]) + answerChars[t][i];
    }
    parts[p++] = imagePrefix;
    for (byte[] segment : image) {
      parts[p++] = segment;
    }
    if (priorTurns == 0) {
      parts[p++] = firstTurnAfterImageHead;
      parts[p++] = tag;
      parts[p++] = firstTurnRest[t];
    } else {
      parts[p++] = laterTurnSuffixByTask[t];
    }
    chars += priorTurns == 0 ? promptCharsFirst[t] : screenInfoChars[t];
    parts[p] = tail;
    return new ChatRequest(kind, true, parts, 1, chars);
  }

  /**
   * The pixel stamp of step {@code priorTurns + 1} of {@code session}: each (session, step) its own
   * screen, so no two sessions' first steps share a screenshot (a server hashes the pixels); the
   * same step of the same session always the same bytes.
   */
  static long screenStamp(long session, int priorTurns) {
    long z = session * 0x9E3779B97F4A7C15L + priorTurns * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static final byte[] TAG_TEMPLATE = "[task 00000000] ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /**
   * {@code [task 1a2b3c4d] }: 8 hex digits mixed from the session number (ASCII, nothing to escape).
   * Built once per request on the send path, so by a digit loop, not {@code String.format} (~1 us).
   */
  static byte[] sessionTag(long session) {
    long z = session * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
    z ^= z >>> 29;
    int v = (int) z;
    byte[] tag = TAG_TEMPLATE.clone();
    for (int i = 13; i >= 6; i--, v >>>= 4) { // digits at [6, 14), least significant last
      tag[i] = HEX[v & 0xF];
    }
    return tag;
  }

  private static byte[] textPartAfterImage(String text) {
    return new JsonSegments.Builder().raw("\"}},{\"type\":\"text\",\"text\":").quoted(text).raw("}]}").build();
  }

  private static byte[] strippedUserTurn(String text) {
    // Open-AutoGLM removes the image part but keeps the content a list.
    return new JsonSegments.Builder()
        .raw(",{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":").quoted(text).raw("}]}").build();
  }

  /** A plausible action for prior step {@code i}; coordinates in Open-AutoGLM's 0-999 space. */
  private static String action(int i, String app) {
    int x = 120 + (i * 137) % 760;
    int y = 180 + (i * 251) % 700;
    return switch (i % 8) {
      case 0 -> "do(action=\"Launch\", app=\"" + app + "\")";
      case 3 -> "do(action=\"Type\", text=\"keyword " + i + "\")";
      case 5 -> String.format(Locale.ROOT, "do(action=\"Swipe\", start=[500,%d], end=[500,%d])", 800, 300);
      default -> String.format(Locale.ROOT, "do(action=\"Tap\", element=[%d,%d])", x, y);
    };
  }

  static String systemPrompt(Language language) {
    String name = "system-prompt-" + language.name().toLowerCase(Locale.ROOT) + ".txt";
    try (InputStream in = PhoneStepRequests.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource dev/capkit/loadgen/" + name + " missing from the loadgen jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading dev/capkit/loadgen/" + name, e);
    }
  }

  /** Tasks (text, app) for reports and tests. */
  static List<String> tasks(Language language) {
    List<String> out = new ArrayList<>();
    for (String[] task : language == Language.ZH ? TASKS_ZH : TASKS_EN) {
      out.add(task[0]);
    }
    return out;
  }
}

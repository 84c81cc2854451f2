package dev.capkit.emulator;

import dev.capkit.twin.Profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The emulator as the official OpenAI Java SDK sees it: streaming and non-streaming calls with a
 * screenshot part, the chunk sequence, usage and error bodies. The instant profile keeps it fast;
 * timing is tested elsewhere.
 */
class OpenAiSdkContractTest {
  private static final String KEY = "sk-test";
  private static EmbeddedEmulator emu;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    emu = EmbeddedEmulator.start(EmulatorOptions.defaults().withProfile(Profile.INSTANT).withApiKey(KEY));
    client = OpenAIOkHttpClient.builder().baseUrl(emu.baseUri() + "/v1").apiKey(KEY).maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    emu.close();
  }

  private static ChatCompletionCreateParams.Builder screenshotStep(int images) {
    List<ChatCompletionContentPart> parts = new ArrayList<>(Collections.nCopies(images,
        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
            .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(Screenshots.dataUrl(1080, 2400)).build())
            .build())));
    parts.add(ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
        .text("** Screen Info **\n{\"current_app\": \"Settings\"}\nOpen Wi-Fi settings").build()));
    return ChatCompletionCreateParams.builder()
        .model("autoglm-phone-9b")
        .addSystemMessage("You are a phone agent. Think, then answer with one action.")
        .addUserMessageOfArrayOfContentParts(parts)
        .maxTokens(3000L)
        .temperature(0.0)
        .topP(0.85)
        .frequencyPenalty(0.2);
  }

  @Test
  void streamingStepHasRoleChunkContentFinishUsage() {
    ChatCompletionCreateParams params = screenshotStep(1)
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunks::add);
    }
    assertTrue(chunks.size() >= 4, "role + content + usage chunks, got " + chunks.size());
    ChatCompletionChunk role = chunks.get(0);
    assertEquals("assistant", role.choices().get(0).delta().role().orElseThrow().asString());
    assertEquals("", role.choices().get(0).delta().content().orElseThrow());

    ChatCompletionChunk usageChunk = chunks.get(chunks.size() - 1);
    assertTrue(usageChunk.choices().isEmpty(), "usage chunk has no choices");
    var usage = usageChunk.usage().orElseThrow();
    List<ChatCompletionChunk> content = chunks.subList(1, chunks.size() - 1);
    assertEquals(usage.completionTokens(), content.size(), "one content chunk per output token");
    ChatCompletionChunk last = content.get(content.size() - 1);
    assertEquals("stop", last.choices().get(0).finishReason().orElseThrow().asString());
    for (ChatCompletionChunk c : content.subList(0, content.size() - 1)) {
      assertTrue(c.choices().get(0).finishReason().isEmpty(), "finish_reason only on the last content chunk");
    }
    String text = content.stream().map(c -> c.choices().get(0).delta().content().orElse("")).reduce("", String::concat);
    assertTrue(text.contains("do(action="), "phone-agent action in: " + text);
    // 1080x2400 -> 1092x2408 px -> 39 x 86 = 3,354 image tokens + 2 markers; plus text and template tokens
    assertTrue(usage.promptTokens() > 3_356 && usage.promptTokens() < 3_420, "prompt tokens " + usage.promptTokens());
    assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    assertTrue(chunks.stream().allMatch(c -> c.id().equals(role.id())), "one id per completion");
  }

  @Test
  void nonStreamingStepReturnsMessageAndUsage() {
    ChatCompletion done = client.chat().completions().create(screenshotStep(1).maxTokens(5L).build());
    assertEquals("length", done.choices().get(0).finishReason().asString(), "cut at max_tokens");
    assertEquals(5, done.usage().orElseThrow().completionTokens());
    assertFalse(done.choices().get(0).message().content().orElse("").isEmpty());
  }

  @Test
  void tooManyImagesIs400WithOpenAiErrorBody() {
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> client.chat().completions().create(screenshotStep(11).build()));
    assertEquals(400, e.statusCode());
    assertTrue(message(e).contains("At most 10 image"), message(e));
    assertEquals("BadRequestError", e.type().orElse(""));
  }

  @Test
  void promptLongerThanMaxModelLenIs400() {
    // 8 screenshots x 3,356 tokens = 26,848 > max_model_len 25,480
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> client.chat().completions().create(screenshotStep(8).build()));
    assertTrue(message(e).contains("maximum context length is 25480"), message(e));
  }

  @Test
  void maxTokensBeyondContextIs400NamingTheParameter() {
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> client.chat().completions().create(screenshotStep(7).maxTokens(3000L).build()));
    assertEquals("max_tokens", e.param().orElse(""));
  }

  @Test
  void wrongKeyIs401() {
    OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(emu.baseUri() + "/v1").apiKey("nope").maxRetries(0).build();
    try {
      UnauthorizedException e = assertThrows(UnauthorizedException.class,
          () -> wrong.chat().completions().create(screenshotStep(1).build()));
      assertEquals(401, e.statusCode());
    } finally {
      wrong.close();
    }
  }

  @Test
  void unknownModelIs404() {
    NotFoundException e = assertThrows(NotFoundException.class,
        () -> client.chat().completions().create(screenshotStep(1).model("gpt-4o").build()));
    assertTrue(message(e).contains("gpt-4o"), message(e));
  }

  @Test
  void modelsListsTheServedModel() {
    var models = client.models().list();
    assertEquals("autoglm-phone-9b", models.data().get(0).id());
  }

  private static String message(OpenAIServiceException e) {
    return e.getMessage() + " " + e.body();
  }
}

package dev.capkit.core.scenario;

/**
 * One entry of a scenario's request mix: a named request kind and its share of the load.
 *
 * @param kind            name used in results and Gatling request names, e.g. {@code phone-step}
 * @param weight          relative share (the mix's weights need not add up to 1)
 * @param type            what is sent
 * @param stream          streamed (SSE) or a single JSON answer
 * @param screenshotWidth screenshot size in pixels (phone steps only; 0 otherwise)
 * @param screenshotHeight screenshot height in pixels
 * @param historyTurns    prior (assistant, user) turns re-sent with the step, images stripped, as
 *                        Open-AutoGLM does; in closed-loop sessions the real turn count is used instead
 * @param language        system prompt language of Open-AutoGLM: {@code en} (~2.6k chars) or {@code zh} (~8.3k)
 * @param promptTokens    prompt length for text chats (ignored for phone steps)
 * @param maxTokens       {@code max_tokens} sent (Open-AutoGLM's client sends 3000)
 * @param screenshotFolder phone steps: a folder of real PNG/JPEG screenshots sent as-is instead of
 *                        generated ones (absolute path, checked to exist), or {@code ""}
 * @param recording       {@code recorded-session}: the sessions file ({@code capkit-sessions-v1});
 *                        {@code recorded-chat}: the conversations file ({@code sharegpt-v1}); absolute
 *                        path, read and checked when the scenario is loaded; {@code ""} otherwise
 */
public record RequestMix(
    String kind,
    double weight,
    RequestType type,
    boolean stream,
    int screenshotWidth,
    int screenshotHeight,
    int historyTurns,
    String language,
    TokenDistribution promptTokens,
    int maxTokens,
    String screenshotFolder,
    String recording) {}

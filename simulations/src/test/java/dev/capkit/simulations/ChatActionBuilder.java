package dev.capkit.simulations;

import io.gatling.core.action.Action;
import io.gatling.core.structure.ScenarioContext;

/**
 * Java DSL entry for {@link ChatAction}: {@code exec(new ChatActionBuilder("chat", source))}.
 */
final class ChatActionBuilder implements io.gatling.javaapi.core.ActionBuilder {
  private final String name;
  private final RequestSource source;

  ChatActionBuilder(String name, RequestSource source) {
    this.name = name;
    this.source = source;
  }

  @Override
  public io.gatling.core.action.builder.ActionBuilder asScala() {
    return new ScalaBuilder();
  }

  private final class ScalaBuilder implements io.gatling.core.action.builder.ActionBuilder {
    ScalaBuilder() {
      io.gatling.core.action.builder.ActionBuilder.$init$(this);
    }

    @Override
    public Action build(ScenarioContext ctx, Action next) {
      return new ChatAction(name, source, ctx.coreComponents().statsEngine(), next);
    }

    @Override
    public io.gatling.core.structure.ChainBuilder toChainBuilder() {
      return io.gatling.core.action.builder.ActionBuilder.super.toChainBuilder();
    }
  }
}

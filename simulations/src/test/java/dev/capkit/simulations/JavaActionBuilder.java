package dev.capkit.simulations;

import io.gatling.core.action.Action;
import io.gatling.core.stats.StatsEngine;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Java DSL entry for capkit's actions: {@code exec(new JavaActionBuilder((stats, next) -> ...))}.
 * Also keeps Gatling's stats engine once Gatling has built the scenario, for events that are not
 * requests (objective verdicts).
 */
final class JavaActionBuilder implements io.gatling.javaapi.core.ActionBuilder {
  private final BiFunction<StatsEngine, Action, Action> factory;
  private final AtomicReference<StatsEngine> statsEngine = new AtomicReference<>();

  JavaActionBuilder(BiFunction<StatsEngine, Action, Action> factory) {
    this.factory = factory;
  }

  /** Gatling's stats engine, once Gatling has built the scenario (null before). */
  StatsEngine statsEngine() {
    return statsEngine.get();
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
    public Action build(io.gatling.core.structure.ScenarioContext ctx, Action next) {
      statsEngine.set(ctx.coreComponents().statsEngine());
      return factory.apply(ctx.coreComponents().statsEngine(), next);
    }

    @Override
    public io.gatling.core.structure.ChainBuilder toChainBuilder() {
      return io.gatling.core.action.builder.ActionBuilder.super.toChainBuilder();
    }
  }
}

package dev.capkit.simulations;

import com.typesafe.scalalogging.Logger;
import io.gatling.core.action.Action;

/**
 * Base of capkit's Gatling actions written in Java: Gatling's {@link Action} is a Scala trait that
 * mixes in scala-logging's {@code StrictLogging}, whose logger field a Java class must hold itself.
 */
abstract class JavaAction implements Action {
  private Logger logger;

  JavaAction() {
    com.typesafe.scalalogging.StrictLogging.$init$(this);
    Action.$init$(this);
  }

  @Override
  public Logger logger() {
    return logger;
  }

  @Override
  public void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(Logger logger) {
    this.logger = logger;
  }
}

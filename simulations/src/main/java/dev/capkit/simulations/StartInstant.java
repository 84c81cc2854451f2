package dev.capkit.simulations;

import dev.capkit.core.run.RunOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The common wall-clock instant at which every injector of a distributed run sends its first
 * request, so injectors' steps line up in absolute time and their runs can be merged. Each injector
 * prepares (emulator, netem, run folder) and then waits, in one of two ways:
 *
 * <ul>
 *   <li>{@code -Dcapkit.startAt=<epoch milliseconds>}: until that instant, chosen in advance by whoever
 *       launched the injectors (an injector not ready by then starts at once and says how late it is);</li>
 *   <li>{@code -Dcapkit.startAtFile=<file>} (a local split's handshake): it prints {@link #READY} and waits
 *       for the file to appear holding the instant (epoch milliseconds as decimal text, written whole:
 *       the lead writes it to a temporary name and renames it), then until that instant. The lead
 *       writes it once every injector has said it is ready, so none is late however slow the machine.</li>
 * </ul>
 * Neither: start at once.
 */
public final class StartInstant {
  public static final String PROPERTY = "capkit.startAt";
  /** What an injector prints when it is prepared and waits for the start signal (a local split counts these). */
  public static final String READY = RunOptions.READY_FOR_START;
  /** Longest wait for the start signal file: the lead that would write it is gone by then. */
  static final Duration SIGNAL_PATIENCE = Duration.ofMinutes(15);

  private StartInstant() {}

  /** Waits by {@code startAtFile} when given, else by {@code at}; returns the milliseconds waited for the instant. */
  public static long await(Long at, Path startAtFile, PrintStream out) {
    if (startAtFile == null) {
      return await(at, out);
    }
    out.println(READY + "; waiting for its instant in " + startAtFile);
    out.flush();
    return await(awaitSignal(startAtFile, SIGNAL_PATIENCE), out);
  }

  /** Sleeps until {@code at} (epoch milliseconds); returns the milliseconds waited (0 when null or past). */
  public static long await(Long at, PrintStream out) {
    if (at == null) {
      return 0;
    }
    long wait = at - System.currentTimeMillis();
    if (wait <= 0) {
      out.println("capkit: start instant " + Instant.ofEpochMilli(at) + " already passed by " + (-wait) + " ms; starting now");
      return 0;
    }
    out.println("capkit: waiting " + wait + " ms for the common start instant " + Instant.ofEpochMilli(at));
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return wait;
  }

  /**
   * Polls {@code file} every 5 ms until it holds epoch milliseconds. Throws {@link IllegalStateException}
   * naming the file when it holds anything else, or when {@code patience} passes without it.
   */
  static long awaitSignal(Path file, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8).trim();
      } catch (NoSuchFileException e) {
        text = null;
      } catch (IOException e) {
        throw new IllegalStateException("-Dcapkit.startAtFile " + file + ": unreadable: " + e.getMessage(), e);
      }
      if (text != null) {
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException e) {
          throw new IllegalStateException("-Dcapkit.startAtFile " + file + ": '" + text + "' is not epoch milliseconds", e);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("-Dcapkit.startAtFile " + file + ": no start instant after "
            + patience.toMinutes() + " min: the local split that launched this injector is gone");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("-Dcapkit.startAtFile " + file + ": interrupted while waiting for the start instant", e);
      }
    }
  }
}

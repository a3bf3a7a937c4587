package signup.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One line on the terminal, redrawn a few times a second while a step runs, erased at the end.
 * Only for a person watching: a benchmark shows it only when a console is attached.
 */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;
  private static final long REDRAW_MILLIS = 200;

  private final PrintWriter out;
  private final String label;
  private final Supplier<Snapshot> progress;
  private final Thread painter;
  private volatile boolean done;

  /**
   * Where a step is: how far (0 to 1), operations completed and failed, and successful ones per
   * second since its start.
   */
  record Snapshot(double fraction, long completed, long failed, double throughput) {
    static final Snapshot NONE = new Snapshot(0, 0, 0, 0);

    static Snapshot of(ClosedLoop loop) {
      return new Snapshot(loop.fractionDone(), loop.completed(), loop.failed(),
          loop.currentThroughput());
    }
  }

  ProgressBar(PrintWriter out, String label, ClosedLoop loop) {
    this(out, label, () -> Snapshot.of(loop));
  }

  /** @param progress read at every redraw: a loop of this process's, or another's reports */
  ProgressBar(PrintWriter out, String label, Supplier<Snapshot> progress) {
    this.out = out;
    this.label = label;
    this.progress = progress;
    this.painter = new Thread(this::paint, "bench-progress");
    this.painter.setDaemon(true);
    this.painter.start();
  }

  private void paint() {
    while (!done) {
      Snapshot now = progress.get();
      int filled = (int) Math.round(now.fraction() * WIDTH);
      String line = String.format(Locale.ROOT, "\r%-34s [%s%s] %3d%%  %,8d done  %,5d failed  "
              + "%,8.0f/s ", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
          Math.round(now.fraction() * 100), now.completed(), now.failed(), now.throughput());
      synchronized (out) {
        out.print(line);
        out.flush();
      }
      try {
        Thread.sleep(REDRAW_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    done = true;
    painter.interrupt();
    try {
      painter.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (out) {
      out.print("\r" + " ".repeat(120) + "\r");
      out.flush();
    }
  }
}

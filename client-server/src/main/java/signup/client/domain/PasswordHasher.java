package signup.client.domain;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import signup.common.domain.DaemonThreads;
import signup.common.domain.OverloadedException;
import signup.common.domain.TooLateException;

/**
 * Argon2id password hashes in PHC string form
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, unpadded standard base64).
 *
 * <p>Hashing is slow on purpose and CPU-bound, so it runs on a fixed pool of its own: callers
 * wait ({@link #hash}) or chain to the future ({@link #hashAsync}), and at most {@code threads}
 * hashes run at once however many calls arrive. At most {@link #QUEUED_PER_THREAD} per thread
 * wait their turn; one more is refused with {@link OverloadedException}. Passwords and hashes
 * are never put into an exception message or a log line.
 */
public final class PasswordHasher implements AutoCloseable {
  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;
  /**
   * At the production cost (~50 ms of CPU a hash, BENCHMARKS.md) the last of 50 per thread
   * waits ~2.5 s, just within the orchestrator's 3 s reserve deadline: a longer queue would
   * hold only hashes (and the passwords they carry) that nobody waits for any more.
   */
  static final int QUEUED_PER_THREAD = 50;
  /**
   * A hash expected to take less than this runs on the caller's thread ({@link #hashAsync}):
   * the minimum cost takes tens of microseconds, the production cost tens of milliseconds.
   */
  static final long INLINE_BELOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** Whether this JVM measures a thread's CPU time (Linux, macOS and Windows do). */
  private static final boolean CPU_TIME =
      THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getDecoder();
  // Salt 8-64 bytes and hash 16-64 bytes, as unpadded base64; numbers short enough to parse.
  private static final Pattern PHC = Pattern.compile(
      "^\\$argon2id\\$v=19\\$m=(\\d{1,9}),t=(\\d{1,9}),p=(\\d{1,9})"
          + "\\$([A-Za-z0-9+/]{11,86})\\$([A-Za-z0-9+/]{22,86})$");

  private final Argon2Settings settings;
  private final Argon2id argon2id;
  private final SecureRandom random;
  private final ThreadPoolExecutor executor;
  /** The pool as tasks are handed to it (tracing wraps it to carry the caller's context). */
  private final ExecutorService submit;
  private final Listener listener;
  /**
   * How long a hash takes here, smoothed (each new hash weighs a quarter), for the too-late
   * check. A refusal wears it down by an eighth: were it kept, one slow hash (a cold JIT, a
   * stall of the machine) longer than every caller's deadline would refuse every later caller
   * for good, since no hash would run to correct it.
   */
  private final AtomicLong hashNanosEstimate = new AtomicLong();
  /**
   * The CPU time a hash takes here, smoothed the same way: what decides whether it is cheap
   * enough for the caller's thread. Not the time it took: a cheap hash that the scheduler
   * preempted, or that a pause of the JVM caught, once took milliseconds; that one sample sent
   * the hashes after it to the pool, whose queue 256 sign-ups in flight filled at once, and the
   * pool refused dozens of sign-ups at a time (a benchmark at the minimum cost, BENCHMARKS.md).
   */
  private final AtomicLong hashCpuNanosEstimate = new AtomicLong();

  /**
   * Told of each new hash and each refusal, for the server's metrics (the domain knows no
   * metrics library). Called on the thread that hashed: a hasher thread, or the caller's for a
   * cheap hash.
   */
  public interface Listener {
    Listener NONE = new Listener() {};

    /** A new hash took {@code nanos}. */
    default void hashed(long nanos) {}

    /** A hash was not started: the caller's deadline would have passed first. */
    default void refusedTooLate() {}

    /** Both, in this order. */
    static Listener both(Listener first, Listener second) {
      return new Listener() {
        @Override
        public void hashed(long nanos) {
          first.hashed(nanos);
          second.hashed(nanos);
        }

        @Override
        public void refusedTooLate() {
          first.refusedTooLate();
          second.refusedTooLate();
        }
      };
    }
  }

  /**
   * With {@link Argon2id#preferred()}.
   *
   * @param threads how many hashes may run at once (the number of cores is a good choice)
   */
  public PasswordHasher(Argon2Settings settings, int threads) {
    this(settings, threads, Listener.NONE);
  }

  public PasswordHasher(Argon2Settings settings, int threads, Listener listener) {
    this(settings, Argon2id.preferred(), threads, listener, UnaryOperator.identity());
  }

  /**
   * @param argon2id the implementation that computes each hash
   * @param submitThrough wraps the pool as tasks are handed to it (tracing: so that a hash runs
   *     in the context of the call that asked for it)
   */
  public PasswordHasher(Argon2Settings settings, Argon2id argon2id, int threads,
      Listener listener, UnaryOperator<ExecutorService> submitThrough) {
    this.settings = settings;
    this.argon2id = argon2id;
    this.random = new SecureRandom();
    this.listener = listener;
    this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(threads * QUEUED_PER_THREAD),
        BackgroundPriority.lowered(DaemonThreads.numbered("password-hasher")));
    this.submit = submitThrough.apply(executor);
  }

  /** Which Argon2id implementation computes the hashes. */
  public String implementation() {
    return argon2id.name();
  }

  /** Hashes and verifications waiting for a hasher thread. */
  public int queued() {
    return executor.getQueue().size();
  }

  /** Hashes and verifications running now. */
  public int running() {
    return executor.getActiveCount();
  }

  /** How many may run at once. */
  public int threads() {
    return executor.getMaximumPoolSize();
  }

  /**
   * A fresh salt and the PHC string of {@code password} under the current settings; made on the
   * caller's thread when a hash is cheap enough ({@link #INLINE_BELOW_NANOS}).
   */
  public String hash(String password) {
    return cheap() ? timedHash(password) : onHasherThread(() -> timedHash(password));
  }

  /**
   * {@link #hash} without waiting: the future completes on a hasher thread, so whatever is
   * chained to it runs there (and must not block it for long); a hash cheap enough to run
   * inline is complete on return. When its turn comes, a hash is not started if less of
   * {@code timeLeft} remains than a hash takes (a smoothed estimate of the recent ones): it
   * fails with {@link TooLateException} instead. Otherwise, under overload, the pool would spend itself on
   * callers who have given up while every caller still waiting waits past its deadline too (a
   * benchmark at 256 sign-ups in flight saw no sign-up succeed).
   */
  public CompletableFuture<String> hashAsync(String password, Supplier<Duration> timeLeft) {
    if (cheap()) {
      // Cheaper than handing it to a hasher thread and waking the caller's chain back up: two
      // context switches cost more than a hash at the minimum cost (a benchmark setting).
      try {
        return CompletableFuture.completedFuture(timedHash(password));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    try {
      return CompletableFuture.supplyAsync(() -> {
        Duration left = timeLeft.get();
        if (left.toNanos() < hashNanosEstimate.get()) {
          hashNanosEstimate.updateAndGet(estimate -> estimate - estimate / 8);
          listener.refusedTooLate();
          throw new TooLateException("the caller's deadline would pass before the password "
              + "is hashed (" + left.toMillis() + " ms left); not started");
        }
        return timedHash(password);
      }, submit);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(refusal(e));
    }
  }

  /**
   * Whether recent hashes cost under {@link #INLINE_BELOW_NANOS} of CPU (none yet: not known).
   */
  private boolean cheap() {
    long estimate = hashCpuNanosEstimate.get();
    return estimate > 0 && estimate < INLINE_BELOW_NANOS;
  }

  private String timedHash(String password) {
    long start = System.nanoTime();
    long cpuStart = threadCpuNanos();
    String hash = newHash(password);
    long took = System.nanoTime() - start;
    recordHash(took, threadCpuNanos() - cpuStart);
    listener.hashed(took);
    return hash;
  }

  /** Adds one hash to the estimates, as long in time as in CPU time. */
  void recordHash(long nanos) {
    recordHash(nanos, nanos);
  }

  /** Adds one hash to the estimates: how long it took, and how much CPU time. */
  void recordHash(long nanos, long cpuNanos) {
    hashNanosEstimate.updateAndGet(estimate -> smoothed(estimate, nanos));
    hashCpuNanosEstimate.updateAndGet(estimate -> smoothed(estimate, cpuNanos));
  }

  /** Each new sample weighs a quarter; the first is taken as is. */
  private static long smoothed(long estimate, long sample) {
    return estimate == 0 ? sample : estimate + (sample - estimate) / 4;
  }

  /** The calling thread's CPU time; where the JVM cannot tell, the wall clock's time. */
  private static long threadCpuNanos() {
    return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  private String newHash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = argon2id(password, salt, settings, HASH_BYTES);
    return "$argon2id$v=19$m=" + settings.memoryKiB() + ",t=" + settings.iterations()
        + ",p=" + settings.parallelism() + "$" + B64.encodeToString(salt) + "$"
        + B64.encodeToString(hash);
  }

  /**
   * Whether {@code password} matches {@code phc}, hashed with the parameters the string holds
   * (so hashes made under older settings still verify), compared in constant time.
   *
   * @throws IllegalArgumentException when {@code phc} is not an Argon2id v19 PHC string
   */
  public boolean verify(String password, String phc) {
    Matcher m = PHC.matcher(phc);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an Argon2id (v=19) PHC string");
    }
    Argon2Settings stored;
    byte[] salt;
    byte[] expected;
    try {
      stored = new Argon2Settings(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)));
      salt = B64_DECODE.decode(m.group(4));
      expected = B64_DECODE.decode(m.group(5));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("an Argon2id PHC string with unusable parameters");
    }
    return onHasherThread(() -> {
      byte[] actual = argon2id(password, salt, stored, expected.length);
      return MessageDigest.isEqual(actual, expected);
    });
  }

  private byte[] argon2id(String password, byte[] salt, Argon2Settings cost, int length) {
    byte[] secret = password.getBytes(StandardCharsets.UTF_8);
    try {
      return argon2id.hash(secret, salt, cost, length);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private <T> T onHasherThread(Callable<T> work) {
    Future<T> result;
    try {
      result = submit.submit(work);
    } catch (RejectedExecutionException e) {
      throw refusal(e);
    }
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while hashing a password", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("hashing a password failed", e.getCause());
    }
  }

  /** Why the pool refused a hash: closed, or its queue is full. */
  private RuntimeException refusal(RejectedExecutionException e) {
    if (executor.isShutdown()) {
      return new IllegalStateException("the password hasher is closed", e);
    }
    return new OverloadedException(executor.getQueue().size()
        + " passwords are waiting to be hashed already; try again later");
  }

  /** Lets running hashes finish, then stops the pool. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "PasswordHasher[" + settings + ", " + argon2id.name() + "]";
  }
}

package signup.common.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.SignupFields;
import signup.common.security.AccessPolicy.Internal;
import signup.common.security.AccessPolicy.Open;
import signup.common.security.AccessPolicy.OwnClient;
import signup.common.security.AccessPolicy.OwnEmail;
import signup.common.security.AccessPolicy.OwnReplyInFull;
import signup.common.security.AccessPolicy.Rule;

/**
 * Enforces the {@link AccessPolicy} on every call of a server's services, from the call's
 * {@code authorization} metadata: {@code Bearer <internal token>} (a trusted service), or
 * {@code Bearer <access token>} (a logged-in client), or nothing (anyone).
 *
 * <p>Missing or invalid credentials where some are needed: UNAUTHENTICATED; a valid access token
 * of another client: PERMISSION_DENIED; the issuer's keys out of reach: UNAVAILABLE. Decisions
 * that need only the metadata are taken before the call starts; those that need the request
 * (whose client?) when it arrives, before the service sees it. The access token is verified
 * there too, off the transport thread for the services that block (all the ones that take
 * tokens), since an unknown key id may mean a fetch of the issuer's keys. Neither token is ever
 * logged or put into a status message.
 */
public final class Authorizer implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(Authorizer.class);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";
  private static final String LOG_IN = "log in with signup.client.v1.ClientService/Login and "
      + "send its access_token as 'authorization: Bearer <token>'";

  private final AccessPolicy policy;
  private final InternalToken internalToken;
  private final AccessTokenVerifier verifier;

  public Authorizer(AccessPolicy policy, InternalToken internalToken,
      AccessTokenVerifier verifier) {
    this.policy = policy;
    this.internalToken = internalToken;
    this.verifier = verifier;
  }

  /** What the caller presented. */
  private sealed interface Credential {}

  private record Anonymous() implements Credential {}

  private record Trusted() implements Credential {}

  private record Bearer(String token) implements Credential {}

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Rule rule = policy.rule(method).orElse(null);
    if (rule == null) {
      log.error("no access rule for {}: refused; add it to AccessPolicy", method);
      return refuse(call, Status.PERMISSION_DENIED.withDescription(
          "no access rule for " + method));
    }
    if (rule instanceof Open open) {
      if (!open.needsAddress()) {
        return next.startCall(call, headers);
      }
      Context withAddress = Context.current().withValue(CallerAddress.KEY,
          CallerAddress.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
      return Contexts.interceptCall(withAddress, call, headers, next);
    }
    Credential credential = credential(headers.get(AUTHORIZATION));
    if (credential instanceof Trusted) {
      return next.startCall(call, headers);
    }
    if (rule instanceof Internal) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription(
          "internal service: missing or invalid internal token"));
    }
    if (rule instanceof OwnReplyInFull reply) {
      return credential instanceof Bearer bearer
          ? ownReply(call, headers, next, reply, bearer.token())
          : redacted(call, headers, next, reply);
    }
    if (!(credential instanceof Bearer bearer)) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription(
          "missing access token: " + LOG_IN));
    }
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      @Override
      public void onMessage(Q request) {
        AccessToken token = verify(bearer.token());
        if (!owns(rule, token, request)) {
          log.debug("{} refused: the access token of client_id={} is for another client",
              method, token.clientId());
          throw Status.PERMISSION_DENIED.withDescription(
              "the access token is for another client").asRuntimeException();
        }
        super.onMessage(request);
      }
    };
  }

  private static boolean owns(Rule rule, AccessToken token, Object request) {
    if (rule instanceof OwnClient own) {
      return token.clientId().equals(own.clientIdOf().apply(request));
    }
    if (rule instanceof OwnEmail own) {
      return token.email().equals(SignupFields.normaliseEmail(own.emailOf().apply(request)));
    }
    return false;
  }

  /** A caller with a token: verified first, then the reply shown in full if it is theirs. */
  private <Q, R> ServerCall.Listener<Q> ownReply(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next, OwnReplyInFull rule, String bearer) {
    VerifiedCall<Q, R> guarded = new VerifiedCall<>(call, rule);
    return new SimpleForwardingServerCallListener<>(next.startCall(guarded, headers)) {
      @Override
      public void onMessage(Q request) {
        guarded.token = verify(bearer);
        super.onMessage(request);
      }
    };
  }

  private static <Q, R> ServerCall.Listener<Q> redacted(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next, OwnReplyInFull rule) {
    return next.startCall(new VerifiedCall<>(call, rule), headers);
  }

  /** Sends the reply in full to its own client, cut down to anyone else. */
  private static final class VerifiedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
    private final OwnReplyInFull rule;
    volatile AccessToken token;

    VerifiedCall(ServerCall<Q, R> call, OwnReplyInFull rule) {
      super(call);
      this.rule = rule;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void sendMessage(R reply) {
      AccessToken caller = token;
      boolean own = caller != null && caller.clientId().equals(rule.clientIdOfReply().apply(reply));
      super.sendMessage(own ? reply : (R) rule.redact().apply(reply));
    }
  }

  private AccessToken verify(String bearer) {
    try {
      return verifier.verify(bearer);
    } catch (InvalidTokenException e) {
      log.debug("access token refused: {}", e.getMessage());
      throw Status.UNAUTHENTICATED.withDescription("invalid access token (" + e.getMessage()
          + "): " + LOG_IN).asRuntimeException();
    } catch (KeysUnavailableException e) {
      log.warn("cannot verify an access token now: {}", e.getMessage());
      throw Status.UNAVAILABLE.withDescription("cannot verify the access token right now; "
          + "retry later").asRuntimeException();
    }
  }

  private Credential credential(String header) {
    if (header == null || header.isEmpty()) {
      return new Anonymous();
    }
    if (header.length() <= BEARER.length()
        || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      // Not a bearer credential at all: as good as none (Basic, or a bare token).
      return new Anonymous();
    }
    String value = header.substring(BEARER.length()).strip();
    return internalToken.matches(value) ? new Trusted() : new Bearer(value);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}

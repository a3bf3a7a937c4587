package signup.common.security;

import java.time.Instant;

/**
 * A verified access token: whose it is and until when. Holds no signature or token text, so
 * it can be printed safely.
 *
 * @param clientId the subject ({@code sub})
 * @param email the client's normalised e-mail
 * @param keyId the id of the key that signed it ({@code kid})
 */
public record AccessToken(String clientId, String email, String keyId, Instant expiresAt) {}

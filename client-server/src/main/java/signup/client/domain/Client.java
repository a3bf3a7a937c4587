package signup.client.domain;

import java.time.Instant;
import signup.common.domain.Device;

/**
 * A client as the outside world may see it: never the password or its hash.
 *
 * @param email normalised: trimmed and lower-cased
 * @param region upper-case ISO 3166-1 alpha-2 code
 * @param createdAt when the client was confirmed; for a client still pending, when it was
 *     reserved
 */
public record Client(String clientId, String email, String name, String region, Device device,
    Instant createdAt) {}

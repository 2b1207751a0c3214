package ai.ominix.server.hub;

/**
 * One file of a repo revision, from the hub's tree listing.
 *
 * @param sha256  the LFS object id (sha256 of the content), or null for a file kept in git
 * @param gitOid  the git blob id (sha1 of {@code "blob <size>\0" + content}), or null
 */
public record HubFile(String path, long size, String sha256, String gitOid) {}

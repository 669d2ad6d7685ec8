/** The four manifest media types a registry may answer with (design rule 4). */
export const MediaType = {
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  DockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export type ManifestMediaType = (typeof MediaType)[keyof typeof MediaType];
export type IndexMediaType = typeof MediaType.OciIndex | typeof MediaType.DockerList;
export type ImageMediaType = typeof MediaType.OciManifest | typeof MediaType.DockerManifest;

/** Sent on every manifest GET/HEAD: Distribution answers 404 to a tag GET without the OCI index type. */
export const MANIFEST_ACCEPT = [MediaType.OciIndex, MediaType.OciManifest, MediaType.DockerList, MediaType.DockerManifest].join(
  ', ',
);

export function isIndexMediaType(m: string | undefined): m is IndexMediaType {
  return m === MediaType.OciIndex || m === MediaType.DockerList;
}

export function isImageMediaType(m: string | undefined): m is ImageMediaType {
  return m === MediaType.OciManifest || m === MediaType.DockerManifest;
}

/** The annotation that marks a buildx attestation entry (design rule 1). */
export const ATTESTATION_TYPE_ANNOTATION = 'vnd.docker.reference.type';
export const ATTESTATION_TYPE_VALUE = 'attestation-manifest';
export const ATTESTATION_SUBJECT_ANNOTATION = 'vnd.docker.reference.digest';

/** Registries limit manifests to 4 MiB (design rule 6). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** A buildx attestation written as a referrer of its image: the `artifactType` it carries (BuildKit's own). */
export const ATTESTATION_ARTIFACT_TYPE = 'application/vnd.docker.attestation.manifest.v1+json';
/** The layer annotation naming an in-toto statement's predicate type (provenance, SBOM …). */
export const PREDICATE_TYPE_ANNOTATION = 'in-toto.io/predicate-type';

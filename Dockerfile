# The command line as an image, for CI systems that run each job in a container (GitLab CI's
# `image:`, Jenkins, Tekton). Alpine, so that a job has a shell. CMD, not ENTRYPOINT: GitLab runs
# the job's script with the image's shell, and an ENTRYPOINT would have to be overridden.
#   docker run --rm -e DOCKER_AUTH_CONFIG ghcr.io/<owner>/merge-multiarch-action merge-multiarch-action --source … --tag …
# Credentials as docker and GitLab provide them: $DOCKER_CONFIG/config.json (else
# ~/.docker/config.json) and $DOCKER_AUTH_CONFIG (the JSON, or the path of a file holding it).
FROM node:24-alpine

# The bundle holds every dependency: nothing to install. The build context is the repository
# after `npm run build` (dist/ is committed); .dockerignore lets in only what is copied here.
COPY LICENSE package.json /opt/merge-multiarch-action/
COPY dist/cli/ /opt/merge-multiarch-action/dist/cli/
RUN chmod 0755 /opt/merge-multiarch-action/dist/cli/index.js \
  && ln -s /opt/merge-multiarch-action/dist/cli/index.js /usr/local/bin/merge-multiarch-action \
  && merge-multiarch-action --version

# The node image's unprivileged user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
WORKDIR /home/node

CMD ["merge-multiarch-action", "--help"]

# The image the Kubernetes Jobs in k8s/ run (IMAGE): this repository, built by Maven, with Maven's
# local repository (/home/capkit/.m2/repository) warmed so that pods run offline (`mvn -o ...`),
# working directory /capkit, and the ./capkit launcher already built, all owned by the non-root user
# capkit (uid/gid 10001), which the image runs as.
#
#   docker build -t registry.example.com/capkit:dev . && docker push registry.example.com/capkit:dev
#
# One stage on purpose: the injector pods run `mvn -q -o gatling:test -pl simulations -am`, so the
# run-time image needs Maven, a JDK and the warmed repository, i.e. everything the build has.
# The Jobs run as uid 10001 (securityContext runAsNonRoot/runAsUser in k8s/*.yaml), which owns
# /capkit (the build writes target/ folders there) and /home/capkit/.m2; nothing needs root at run time.
FROM maven:3.9-eclipse-temurin-17

RUN groupadd --gid 10001 capkit \
 && useradd --uid 10001 --gid 10001 --home-dir /home/capkit --create-home --shell /usr/sbin/nologin capkit \
 && install -d -o 10001 -g 10001 /capkit
# Maven's local repository follows HOME (the base image's mvn-entrypoint, which would copy settings
# to /root/.m2, is not used: the Jobs give their own command).
ENV HOME=/home/capkit

WORKDIR /capkit
COPY --chown=10001:10001 . /capkit
USER 10001:10001

# 1. The injectors' command itself, for 3 seconds against the embedded emulator on loopback
#    (instant profile: no simulated GPU time). This downloads every artifact and plugin that
#    `mvn -o gatling:test -pl simulations -am` needs (compile and test-compile of the modules, the
#    Gatling plugin and the class path it launches) and compiles the classes the pods then reuse.
#    Its run folders are not kept.
RUN mvn -B -ntp gatling:test -pl simulations -am \
        -Dcapkit.duration=3s -Dcapkit.qps=1 -Dcapkit.profile=instant \
 && rm -rf simulations/target/capkit-runs simulations/target/gatling

# 2. The launcher: its first call builds the cli module and caches its class path
#    (cli/target/capkit-classpath.txt); `split` also builds the injectors' class path (Gatling, the
#    simulations, their dependencies: simulations/target/split-classpath.txt) that `./capkit split`
#    runs plain injector JVMs on. `./capkit split --help` builds both and starts no load.
RUN ./capkit split --help >/dev/null

# 3. Later calls must not rebuild (the launcher would print "capkit: building ..." on stderr), so
#    that `./capkit merge` in the merge pod starts at once, offline.
RUN test -z "$(./capkit help 2>&1 >/dev/null)" \
 && test -z "$(./capkit split --help 2>&1 >/dev/null)"

# k8s/merge-run is the merge Job's command (arguments, no shell string).
CMD ["./capkit", "help"]

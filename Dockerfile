# The image the Kubernetes Jobs in k8s/ run (IMAGE): this repository, built by Maven, with Maven's
# local repository (/root/.m2/repository) warmed so that pods run offline (`mvn -o ...`), working
# directory /capkit, and the ./capkit launcher already built.
#
#   docker build -t registry.example.com/capkit:dev . && docker push registry.example.com/capkit:dev
#
# One stage on purpose: the injector pods run `mvn -q -o gatling:test -pl simulations -am`, so the
# run-time image needs Maven, a JDK and the warmed repository, i.e. everything the build has.
# The Jobs run as the image's user, root, which owns /root/.m2 and /capkit.
FROM maven:3.9-eclipse-temurin-17

WORKDIR /capkit
COPY . /capkit

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

CMD ["./capkit", "help"]

/// Every environment SwiftRL ships, registered in ``Registry/shared``.
enum BuiltinEnvironments {
    static var specs: [EnvironmentSpec] {
        CartPole.specs + MountainCar.specs + MountainCarContinuous.specs + Acrobot.specs + Pendulum.specs
            + ThreeStateMDP.specs + MarkovChain.specs + FrozenLake.specs + CliffWalking.specs + AliasedGridWorld.specs
            + MinAtar.specs
    }
}

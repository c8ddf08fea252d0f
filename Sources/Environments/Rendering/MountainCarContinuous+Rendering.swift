extension MountainCarContinuous: RenderingMetadata {
    /// Gymnasium's `metadata["render_fps"]` for MountainCarContinuous.
    public var renderFPS: Double { 30 }

    /// A 600 × 400 picture of the hill, car and flag, drawn as Gymnasium's
    /// `Continuous_MountainCarEnv.render` draws it (gymnasium/envs/classic_control/continuous_mountain_car.py).
    public func render() throws -> Frame {
        guard renderMode == .rgbArray else { throw renderModeMissing(id: id) }
        return renderMountainCar(position: position, minPosition: minPosition, maxPosition: maxPosition,
                                 goalPosition: goalPosition, height: height(at:))
    }
}

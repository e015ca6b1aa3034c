"""Training (the ``train`` extra, TensorFlow/Keras): datasets, the MobileNetV2 model, int8 export, model card."""

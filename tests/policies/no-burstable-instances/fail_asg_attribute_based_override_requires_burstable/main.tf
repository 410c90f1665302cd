resource "aws_autoscaling_group" "workers" {
  name                = "trading-workers"
  min_size            = 2
  max_size            = 4
  desired_capacity    = 2
  vpc_zone_identifier = ["subnet-0c1d2e3f4a5b6c7d8"]

  mixed_instances_policy {
    instances_distribution {
      on_demand_base_capacity                  = 2
      on_demand_percentage_above_base_capacity = 100
    }

    launch_template {
      launch_template_specification {
        launch_template_id = "lt-0f1e2d3c4b5a69788"
        version            = "3"
      }

      override {
        instance_requirements {
          burstable_performance = "required"

          vcpu_count {
            min = 2
            max = 8
          }

          memory_mib {
            min = 4096
          }
        }
      }
    }
  }
}

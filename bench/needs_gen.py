"""Deterministic generator of realistic technical needs as `challenges import` JSON lines.

    python -m bench.needs_gen N [--seed 7] [--base-date 2026-12-01] [--start 0] [-o FILE]

Every record is a function of (seed, its number, base date) only, so any slice can be
generated on its own (`records(start, stop, ...)`) and the same arguments always give the same
bytes. About half the needs are Chinese, a quarter English and a quarter bilingual (Chinese and
English title and description, indicators with both names). Descriptions are 80–1,500
characters (log-uniform, median ≈ 350; the long ones in Markdown sections), built from the
phrase lists below — 20 industries, each with its products, processes, applications and
measurable indicators, written for this benchmark (not taken from the taxonomy, so a change to
the taxonomy does not change the corpus). Budgets are 100–50,000 万元 (log-uniform, in the
spellings program offices use), deadlines from 30 days before to 300 days after the base date
(ISO, 2027/3/1, 2027年3月1日, with or without a time), ten fictional owners plus the
import's default owner. All names are fictional.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterator
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
DEFAULT_SEED = 7
REF_PREFIX = "BW"          # "bench web": BW-000001 …
MIN_CHARS, MAX_CHARS = 80, 1500
MIN_BUDGET, MAX_BUDGET = 100, 50000
DEADLINE_DAYS = (-30, 300)


@dataclass(frozen=True)
class Industry:
    zh: str
    en: str
    subjects: tuple      # (zh, en) products and technologies
    methods: tuple       # (zh, en) processes, methods, sub-problems
    uses: tuple          # (zh, en) applications and customers
    indicators: tuple    # (name_zh, name_en, comparator, low, high, decimals, unit)


def _i(zh, en, subjects, methods, uses, indicators) -> Industry:
    return Industry(zh, en, tuple(subjects), tuple(methods), tuple(uses), tuple(indicators))


INDUSTRIES: tuple[Industry, ...] = (
    _i("第三代半导体", "wide-bandgap semiconductors",
       [("碳化硅功率器件", "silicon carbide power devices"), ("SiC MOSFET 芯片", "SiC MOSFET chips"),
        ("8英寸碳化硅衬底", "8-inch silicon carbide substrates"), ("碳化硅外延片", "SiC epitaxial wafers"),
        ("硅基氮化镓功率器件", "GaN-on-Si power devices"), ("氮化镓射频器件", "GaN RF devices"),
        ("车规级 IGBT 模块", "automotive IGBT modules"), ("碳化硅肖特基二极管", "SiC Schottky diodes")],
       [("外延生长", "epitaxial growth"), ("高温离子注入", "high-temperature ion implantation"),
        ("栅氧可靠性", "gate-oxide reliability"), ("晶体缺陷检测", "crystal defect inspection"),
        ("银烧结封装", "silver-sinter packaging"), ("长晶热场设计", "crystal-growth hot-zone design"),
        ("激光切割与减薄", "laser dicing and thinning")],
       [("新能源汽车主驱逆变器", "traction inverters for electric vehicles"),
        ("光伏逆变器", "photovoltaic inverters"), ("数据中心服务器电源", "data-centre server power supplies"),
        ("车载充电机", "on-board chargers"), ("5G 基站功放", "5G base-station power amplifiers")],
       [("击穿电压", "Breakdown voltage", ">=", 650, 3300, 0, "V"),
        ("比导通电阻", "Specific on-resistance", "<=", 1, 6, 1, "mΩ·cm²"),
        ("微管密度", "Micropipe density", "<=", 0.05, 1, 2, "cm⁻²"),
        ("基平面位错密度", "Basal plane dislocation density", "<=", 100, 2000, 0, "cm⁻²"),
        ("外延厚度均匀性", "Epitaxial thickness uniformity", "<=", 1, 5, 1, "%"),
        ("芯片良率", "Die yield", ">=", 80, 98, 1, "%")]),
    _i("集成电路", "integrated circuits",
       [("高性能 GPU 芯片", "high-performance GPU chips"), ("车规级 MCU", "automotive-grade MCUs"),
        ("高速 SerDes 接口 IP", "high-speed SerDes interface IP"),
        ("存算一体芯片", "compute-in-memory chips"),
        ("RISC-V 处理器核", "RISC-V processor cores"), ("电源管理芯片", "power-management ICs"),
        ("12 位高速模数转换器", "12-bit high-speed ADCs"), ("Chiplet 互连方案", "chiplet interconnects")],
       [("先进封装", "advanced packaging"), ("时序收敛", "timing closure"), ("可测性设计", "design for test"),
        ("低功耗设计", "low-power design"), ("晶圆级测试", "wafer-level testing"),
        ("EDA 工具链适配", "EDA tool-chain porting"), ("混合键合", "hybrid bonding")],
       [("智能驾驶域控制器", "autonomous-driving domain controllers"),
        ("大模型推理服务器", "LLM inference servers"),
        ("工业控制设备", "industrial controllers"), ("可穿戴设备", "wearables"),
        ("通信基站", "telecom base stations")],
       [("工作主频", "Clock frequency", ">=", 1, 3, 1, "GHz"),
        ("单通道速率", "Lane rate", ">=", 32, 112, 0, "Gbps"),
        ("待机功耗", "Standby power", "<=", 1, 50, 0, "μW"),
        ("算力", "Compute", ">=", 32, 512, 0, "TOPS"),
        ("有效位数", "Effective number of bits", ">=", 9, 11.5, 1, "bit"),
        ("工作结温", "Junction temperature", ">=", 125, 175, 0, "°C")]),
    _i("新型显示", "new display",
       [("Micro LED 显示模组", "Micro LED display modules"), ("柔性 OLED 面板", "flexible OLED panels"),
        ("硅基 OLED 微显示屏", "OLED-on-silicon microdisplays"),
        ("量子点色转换膜", "quantum-dot colour-conversion films"),
        ("车载曲面显示屏", "curved automotive displays"), ("Mini LED 背光模组", "Mini LED backlight units")],
       [("巨量转移", "mass transfer"), ("薄膜封装", "thin-film encapsulation"), ("喷墨打印", "inkjet printing"),
        ("像素补偿算法", "pixel compensation algorithms"), ("激光剥离", "laser lift-off")],
       [("AR/VR 头显", "AR/VR headsets"), ("智能座舱", "smart cockpits"), ("高端电视", "premium televisions"),
        ("笔记本电脑", "laptops")],
       [("像素密度", "Pixel density", ">=", 1500, 5000, 0, "PPI"),
        ("峰值亮度", "Peak brightness", ">=", 1000, 10000, 0, "cd/m²"),
        ("巨量转移良率", "Mass-transfer yield", ">=", 99.9, 99.999, 3, "%"),
        ("水汽透过率", "Water vapour transmission rate", "<=", 0.000001, 0.0001, 6, "g/m²/day"),
        ("弯折次数", "Folding cycles", ">=", 200000, 500000, 0, "")]),
    _i("光子与激光", "photonics and lasers",
       [("空芯光纤", "hollow-core optical fibre"), ("高功率光纤激光器", "high-power fibre lasers"),
        ("硅光调制器", "silicon photonic modulators"), ("800G 光模块", "800G optical transceivers"),
        ("EUV 光源收集镜", "EUV source collector mirrors"), ("激光雷达发射模组", "LiDAR transmitter modules"),
        ("超快飞秒激光器", "ultrafast femtosecond lasers")],
       [("光子集成", "photonic integration"), ("镀膜工艺", "optical coating"),
        ("耦合封装", "fibre coupling and packaging"),
        ("热管理", "thermal management"), ("拉丝工艺", "fibre drawing")],
       [("数据中心互连", "data-centre interconnects"), ("精密焊接", "precision welding"),
        ("自动驾驶感知", "autonomous-driving perception"), ("光刻机", "lithography scanners")],
       [("传输损耗", "Transmission loss", "<=", 0.1, 2, 2, "dB/km"),
        ("输出功率", "Output power", ">=", 1, 30, 0, "kW"),
        ("调制带宽", "Modulation bandwidth", ">=", 40, 110, 0, "GHz"),
        ("光束质量因子 M²", "Beam quality M²", "<=", 1.05, 1.5, 2, ""),
        ("脉冲宽度", "Pulse width", "<=", 100, 500, 0, "fs")]),
    _i("锂电与储能", "batteries and energy storage",
       [("全固态电池", "all-solid-state batteries"), ("半固态锂电池", "semi-solid lithium batteries"),
        ("硫化物固态电解质", "sulfide solid electrolytes"), ("高镍三元正极材料", "high-nickel NCM cathodes"),
        ("硅碳负极材料", "silicon-carbon anodes"), ("钠离子电池", "sodium-ion batteries"),
        ("储能电池管理系统", "battery management systems for energy storage"),
        ("磷酸锰铁锂电池", "LMFP batteries")],
       [("界面改性", "interface modification"), ("干法电极工艺", "dry-electrode processing"),
        ("热失控防护", "thermal-runaway protection"), ("快充技术", "fast charging"),
        ("电池回收", "battery recycling"), ("SOC 估算算法", "state-of-charge estimation")],
       [("电动汽车", "electric vehicles"), ("电网侧储能电站", "grid-scale storage stations"),
        ("电动两轮车", "electric two-wheelers"), ("低空飞行器", "low-altitude aircraft")],
       [("质量能量密度", "Gravimetric energy density", ">=", 300, 500, 0, "Wh/kg"),
        ("循环寿命", "Cycle life", ">=", 1500, 10000, 0, "cycles"),
        ("离子电导率", "Ionic conductivity", ">=", 1, 25, 1, "mS/cm"),
        ("首次库伦效率", "First-cycle coulombic efficiency", ">=", 85, 95, 1, "%"),
        ("10%-80% 充电时间", "10-80% charging time", "<=", 8, 20, 0, "min"),
        ("SOC 估算误差", "SOC estimation error", "<=", 1, 3, 1, "%")]),
    _i("氢能", "hydrogen energy",
       [("质子交换膜燃料电池电堆", "PEM fuel-cell stacks"), ("碱性电解槽", "alkaline electrolysers"),
        ("PEM 电解水制氢装备", "PEM water-electrolysis systems"),
        ("70MPa 车载储氢瓶", "70 MPa on-board hydrogen tanks"),
        ("低铂催化剂", "low-platinum catalysts"), ("加氢站压缩机", "hydrogen refuelling compressors")],
       [("膜电极制备", "membrane-electrode assembly"), ("双极板涂层", "bipolar-plate coating"),
        ("碳纤维缠绕", "carbon-fibre winding"), ("系统集成与控制", "system integration and control")],
       [("氢燃料电池重卡", "fuel-cell heavy trucks"), ("绿氢化工", "green-hydrogen chemicals"),
        ("分布式发电", "distributed generation"), ("港口物流", "port logistics")],
       [("额定功率", "Rated power", ">=", 100, 300, 0, "kW"),
        ("铂载量", "Platinum loading", "<=", 0.1, 0.4, 2, "mg/cm²"),
        ("电解能耗", "Electrolysis energy consumption", "<=", 4.0, 4.6, 2, "kWh/Nm³"),
        ("电堆寿命", "Stack lifetime", ">=", 15000, 30000, 0, "h"),
        ("储氢质量密度", "Gravimetric hydrogen density", ">=", 5, 7, 1, "wt%")]),
    _i("光伏", "photovoltaics",
       [("钙钛矿叠层电池", "perovskite tandem cells"), ("TOPCon 电池", "TOPCon cells"),
        ("异质结光伏组件", "heterojunction PV modules"), ("光伏银浆", "photovoltaic silver paste"),
        ("组串式逆变器", "string inverters")],
       [("大面积涂布", "large-area coating"), ("钝化接触", "passivating contacts"),
        ("封装可靠性", "encapsulation reliability"), ("降本增效", "cost-down and efficiency")],
       [("分布式光伏电站", "distributed PV plants"), ("光伏建筑一体化", "building-integrated PV"),
        ("沙戈荒大基地", "utility-scale desert plants")],
       [("光电转换效率", "Power conversion efficiency", ">=", 25, 33, 1, "%"),
        ("组件功率", "Module power", ">=", 580, 720, 0, "W"),
        ("湿热老化衰减", "Damp-heat degradation", "<=", 2, 5, 1, "%"),
        ("银耗", "Silver consumption", "<=", 5, 12, 1, "mg/W")]),
    _i("智能网联汽车", "intelligent connected vehicles",
       [("线控制动系统", "brake-by-wire systems"), ("4D 毫米波雷达", "4D millimetre-wave radar"),
        ("800V 高压电驱系统", "800 V electric drive systems"),
        ("车载以太网交换芯片", "automotive Ethernet switches"),
        ("智能座舱域控制器", "cockpit domain controllers"), ("一体化压铸后车身", "mega-cast rear underbodies")],
       [("功能安全设计", "functional-safety design"), ("多传感器融合", "multi-sensor fusion"),
        ("OTA 升级", "over-the-air updates"), ("NVH 优化", "NVH optimisation"),
        ("免热处理铝合金", "heat-treatment-free aluminium alloys")],
       [("L3 级自动驾驶", "level-3 automated driving"), ("城市 NOA", "urban navigate-on-autopilot"),
        ("商用车队", "commercial fleets"), ("Robotaxi", "robotaxis")],
       [("制动响应时间", "Brake response time", "<=", 80, 150, 0, "ms"),
        ("探测距离", "Detection range", ">=", 250, 350, 0, "m"),
        ("电驱系统效率", "Drive-system efficiency", ">=", 92, 95, 1, "%"),
        ("功能安全等级", "Functional-safety level ASIL", ">=", 2, 4, 0, ""),
        ("功率密度", "Power density", ">=", 3, 6, 1, "kW/kg")]),
    _i("机器人", "robotics",
       [("人形机器人关节模组", "humanoid-robot joint modules"), ("谐波减速器", "harmonic reducers"),
        ("行星滚柱丝杠", "planetary roller screws"), ("六维力传感器", "six-axis force/torque sensors"),
        ("灵巧手", "dexterous robotic hands"), ("协作机器人", "collaborative robots"),
        ("AMR 移动机器人", "autonomous mobile robots")],
       [("运动控制算法", "motion-control algorithms"), ("具身智能大模型", "embodied-AI foundation models"),
        ("无框力矩电机设计", "frameless torque-motor design"), ("触觉感知", "tactile sensing"),
        ("视觉引导抓取", "vision-guided grasping")],
       [("汽车总装", "automotive final assembly"), ("3C 电子装配", "electronics assembly"),
        ("仓储物流", "warehouse logistics"), ("康养服务", "elderly care")],
       [("重复定位精度", "Repeatability", "<=", 0.01, 0.05, 2, "mm"),
        ("峰值扭矩密度", "Peak torque density", ">=", 50, 150, 0, "N·m/kg"),
        ("回差", "Backlash", "<=", 10, 30, 0, "arcsec"),
        ("抓取成功率", "Grasp success rate", ">=", 95, 99.5, 1, "%"),
        ("连续工作时间", "Continuous operating time", ">=", 4, 12, 0, "h")]),
    _i("工业软件", "industrial software",
       [("国产 CAE 仿真软件", "domestic CAE simulation software"),
        ("MES 制造执行系统", "manufacturing execution systems"),
        ("工业数字孪生平台", "industrial digital-twin platforms"),
        ("PLC 编程环境", "PLC programming environments"),
        ("三维 CAD 几何内核", "3D CAD geometry kernels"),
        ("设备预测性维护系统", "predictive-maintenance systems")],
       [("多物理场耦合求解", "multiphysics coupling solvers"), ("工业数据采集", "industrial data acquisition"),
        ("排产优化算法", "scheduling optimisation"), ("模型轻量化", "model lightweighting")],
       [("离散制造工厂", "discrete-manufacturing plants"), ("半导体晶圆厂", "semiconductor fabs"),
        ("化工园区", "chemical parks"), ("汽车零部件企业", "auto-parts suppliers")],
       [("求解规模", "Solver scale", ">=", 10, 100, 0, "million DOF"),
        ("数据采集频率", "Sampling rate", ">=", 1, 20, 0, "kHz"),
        ("故障预警准确率", "Fault-prediction accuracy", ">=", 90, 98, 1, "%"),
        ("排产计算时间", "Scheduling time", "<=", 1, 10, 0, "min")]),
    _i("生物医药", "biomedicine",
       [("双特异性抗体", "bispecific antibodies"), ("抗体偶联药物", "antibody-drug conjugates"),
        ("CAR-T 细胞治疗产品", "CAR-T cell therapies"), ("mRNA 疫苗递送系统", "mRNA vaccine delivery systems"),
        ("多肽药物", "peptide drugs"), ("AAV 基因治疗载体", "AAV gene-therapy vectors")],
       [("高通量筛选", "high-throughput screening"), ("连续流生产", "continuous manufacturing"),
        ("细胞株构建", "cell-line development"), ("纯化工艺放大", "purification scale-up"),
        ("脂质纳米颗粒制剂", "lipid-nanoparticle formulation")],
       [("实体瘤治疗", "solid-tumour therapy"), ("自身免疫疾病", "autoimmune diseases"),
        ("罕见病", "rare diseases"), ("传染病预防", "infectious-disease prevention")],
       [("表达量", "Expression titre", ">=", 3, 10, 1, "g/L"),
        ("纯度", "Purity", ">=", 95, 99.5, 1, "%"),
        ("药物抗体偶联比", "Drug-to-antibody ratio", "=", 4, 8, 0, ""),
        ("包封率", "Encapsulation efficiency", ">=", 85, 98, 0, "%"),
        ("空壳率", "Empty-capsid ratio", "<=", 5, 20, 0, "%")]),
    _i("医疗器械", "medical devices",
       [("手术机器人", "surgical robots"), ("光子计数 CT 探测器", "photon-counting CT detectors"),
        ("可降解冠脉支架", "bioresorbable coronary stents"),
        ("植入式脑机接口电极", "implantable brain-computer interface electrodes"),
        ("高端超声探头", "high-end ultrasound probes"),
        ("连续血糖监测传感器", "continuous glucose monitoring sensors")],
       [("生物相容性评价", "biocompatibility testing"), ("医学影像重建算法", "medical image reconstruction"),
        ("精密微加工", "precision micromachining"), ("注册检验", "registration testing")],
       [("三甲医院", "tertiary hospitals"), ("基层医疗机构", "primary-care clinics"),
        ("居家健康监测", "home health monitoring")],
       [("空间分辨率", "Spatial resolution", "<=", 0.1, 0.5, 2, "mm"),
        ("传感器使用寿命", "Sensor wear time", ">=", 10, 15, 0, "days"),
        ("MARD 值", "MARD", "<=", 7, 10, 1, "%"),
        ("定位误差", "Positioning error", "<=", 0.5, 2, 1, "mm"),
        ("电极通道数", "Electrode channels", ">=", 256, 2048, 0, "")]),
    _i("合成生物", "synthetic biology",
       [("高产菌株", "high-yield microbial strains"), ("生物基尼龙单体", "bio-based nylon monomers"),
        ("重组胶原蛋白", "recombinant collagen"), ("人乳寡糖", "human milk oligosaccharides"),
        ("生物基可降解材料 PHA", "bio-based degradable PHA")],
       [("代谢通路设计", "metabolic pathway engineering"), ("发酵工艺放大", "fermentation scale-up"),
        ("酶定向进化", "directed enzyme evolution"), ("下游分离纯化", "downstream separation")],
       [("化妆品原料", "cosmetic ingredients"), ("食品配料", "food ingredients"),
        ("纺织纤维", "textile fibres")],
       [("发酵产量", "Fermentation titre", ">=", 50, 150, 0, "g/L"),
        ("糖酸转化率", "Sugar-to-product yield", ">=", 30, 60, 0, "%"),
        ("发酵规模", "Fermentation scale", ">=", 10, 100, 0, "m³"),
        ("产品纯度", "Product purity", ">=", 98, 99.9, 1, "%")]),
    _i("先进材料", "advanced materials",
       [("T1100 级碳纤维", "T1100-grade carbon fibre"), ("高纯电子特气", "high-purity electronic gases"),
        ("ArF 光刻胶", "ArF photoresists"), ("石墨烯导热膜", "graphene thermal films"),
        ("高温合金单晶叶片", "single-crystal superalloy blades"),
        ("纳米银线透明导电膜", "silver-nanowire transparent conductive films"),
        ("聚酰亚胺薄膜", "polyimide films")],
       [("原丝纺制", "precursor spinning"), ("痕量杂质控制", "trace-impurity control"),
        ("定向凝固", "directional solidification"), ("表面处理", "surface treatment"),
        ("配方开发", "formulation development")],
       [("航空结构件", "aircraft structures"), ("晶圆制造", "wafer fabrication"),
        ("智能手机散热", "smartphone thermal management"), ("柔性电子", "flexible electronics")],
       [("拉伸强度", "Tensile strength", ">=", 6, 7.5, 1, "GPa"),
        ("纯度", "Purity", ">=", 99.999, 99.99999, 5, "%"),
        ("导热系数", "Thermal conductivity", ">=", 1200, 2000, 0, "W/(m·K)"),
        ("方阻", "Sheet resistance", "<=", 10, 50, 0, "Ω/sq"),
        ("分辨率", "Resolution", "<=", 38, 90, 0, "nm")]),
    _i("高端装备", "high-end equipment",
       [("五轴联动数控机床", "five-axis CNC machine tools"), ("高速电主轴", "high-speed motorised spindles"),
        ("精密直线导轨", "precision linear guides"), ("晶圆减薄机", "wafer grinders"),
        ("激光增材制造装备", "laser additive-manufacturing systems"),
        ("大型盾构机主轴承", "main bearings for tunnel-boring machines")],
       [("热误差补偿", "thermal-error compensation"), ("数控系统国产化", "domestic CNC controllers"),
        ("精密装配", "precision assembly"), ("在线测量", "in-process measurement")],
       [("航空发动机制造", "aero-engine manufacturing"), ("模具加工", "mould making"),
        ("半导体后道", "semiconductor back-end"), ("轨道交通", "rail transit")],
       [("定位精度", "Positioning accuracy", "<=", 2, 8, 0, "μm"),
        ("主轴最高转速", "Maximum spindle speed", ">=", 20000, 60000, 0, "rpm"),
        ("平均无故障时间", "Mean time between failures", ">=", 1500, 5000, 0, "h"),
        ("减薄厚度偏差", "Thinning total thickness variation", "<=", 1, 3, 1, "μm")]),
    _i("低空经济", "low-altitude economy",
       [("eVTOL 飞行器", "eVTOL aircraft"), ("物流无人机", "delivery drones"),
        ("航空级电推进系统", "aviation electric propulsion"),
        ("低空通信导航监视系统", "low-altitude CNS systems"), ("无人机避障雷达", "drone collision-avoidance radar")],
       [("适航取证", "airworthiness certification"), ("飞控系统", "flight control"),
        ("复合材料结构", "composite structures"), ("空域管理", "airspace management")],
       [("城市空中交通", "urban air mobility"), ("即时配送", "on-demand delivery"),
        ("电力巡检", "power-line inspection"), ("应急救援", "emergency rescue")],
       [("最大起飞重量", "Maximum take-off mass", ">=", 25, 3000, 0, "kg"),
        ("续航里程", "Range", ">=", 30, 250, 0, "km"),
        ("电机功重比", "Motor power-to-weight ratio", ">=", 5, 10, 1, "kW/kg"),
        ("定位精度", "Positioning accuracy", "<=", 0.1, 1, 1, "m")]),
    _i("高端纺织", "high-end textiles",
       [("再生聚酯纤维", "recycled polyester fibre"), ("智能温控面料", "smart thermoregulating fabrics"),
        ("医用非织造布", "medical nonwovens"), ("超高分子量聚乙烯纤维", "UHMWPE fibre"),
        ("数码印花工艺", "digital textile printing")],
       [("无水染色", "waterless dyeing"), ("功能整理", "functional finishing"),
        ("纺丝工艺", "spinning process")],
       [("户外运动服装", "outdoor apparel"), ("防护用品", "protective equipment"), ("家纺", "home textiles")],
       [("断裂强度", "Breaking tenacity", ">=", 30, 40, 0, "cN/dtex"),
        ("色牢度", "Colour fastness", ">=", 4, 5, 0, "grade"),
        ("节水率", "Water saving", ">=", 50, 95, 0, "%")]),
    _i("人工智能", "artificial intelligence",
       [("行业大模型", "domain-specific large language models"),
        ("工业视觉质检系统", "industrial visual inspection"),
        ("多模态知识库问答", "multimodal knowledge-base question answering"),
        ("边缘 AI 推理盒子", "edge AI inference boxes"),
        ("智能客服系统", "intelligent customer-service systems")],
       [("模型微调", "fine-tuning"), ("检索增强生成", "retrieval-augmented generation"),
        ("小样本缺陷识别", "few-shot defect detection"), ("模型量化部署", "quantised deployment")],
       [("政务服务", "government services"), ("制造业质检", "manufacturing quality control"),
        ("金融风控", "financial risk control"), ("医疗辅助诊断", "clinical decision support")],
       [("检出率", "Detection rate", ">=", 98, 99.9, 1, "%"),
        ("误报率", "False-alarm rate", "<=", 0.1, 2, 1, "%"),
        ("首字延迟", "Time to first token", "<=", 200, 800, 0, "ms"),
        ("问答准确率", "Answer accuracy", ">=", 85, 95, 0, "%")]),
    _i("通信", "communications",
       [("5G-A 基站射频单元", "5G-Advanced radio units"), ("卫星互联网终端", "satellite internet terminals"),
        ("毫米波相控阵天线", "mmWave phased-array antennas"), ("工业 5G 模组", "industrial 5G modules"),
        ("光纤传感系统", "distributed fibre-optic sensing")],
       [("波束赋形", "beamforming"), ("低轨星座组网", "LEO constellation networking"),
        ("时间敏感网络", "time-sensitive networking"), ("射频前端集成", "RF front-end integration")],
       [("智能工厂专网", "private networks for smart factories"), ("海上通信", "maritime communications"),
        ("管廊监测", "utility-tunnel monitoring")],
       [("端到端时延", "End-to-end latency", "<=", 1, 10, 0, "ms"),
        ("下行峰值速率", "Peak downlink rate", ">=", 1, 10, 0, "Gbps"),
        ("天线增益", "Antenna gain", ">=", 25, 35, 0, "dBi"),
        ("传感距离", "Sensing distance", ">=", 30, 100, 0, "km")]),
    _i("节能环保", "energy saving and environment",
       [("工业废水零排放系统", "zero-liquid-discharge wastewater systems"),
        ("VOCs 催化燃烧装置", "VOC catalytic oxidisers"),
        ("二氧化碳捕集装置", "carbon-capture units"), ("高效热泵机组", "high-efficiency heat pumps"),
        ("固废资源化装备", "solid-waste recovery equipment")],
       [("膜分离", "membrane separation"), ("催化剂开发", "catalyst development"),
        ("余热回收", "waste-heat recovery"), ("智能运维", "smart operation and maintenance")],
       [("印染园区", "dyeing parks"), ("电子制造企业", "electronics manufacturers"),
        ("钢铁企业", "steel mills"), ("数据中心", "data centres")],
       [("去除率", "Removal efficiency", ">=", 95, 99.5, 1, "%"),
        ("捕集能耗", "Capture energy", "<=", 2.0, 2.8, 1, "GJ/t CO₂"),
        ("能效比 COP", "Coefficient of performance", ">=", 3.5, 6, 1, ""),
        ("回收率", "Recovery rate", ">=", 85, 98, 0, "%")]),
)

# Sentence pairs by section; slots: {s} main subject, {s2} another subject, {m} method,
# {u} application, {n}/{n_en} capacity, {p} months, {k} a small count, {y} a year, {ind} indicators.
BACKGROUND = (
    ("我公司主要从事{s}的研发、生产和销售，产品主要应用于{u}领域。",
     "We develop, manufacture and sell {s}, used mainly for {u}."),
    ("目前国内{s}在{m}环节仍依赖进口设备和工艺，采购成本高、交货周期长。",
     "Domestic production of {s} still relies on imported equipment and know-how for {m}; costs "
     "are high and lead times long."),
    ("随着{u}市场的快速增长，客户对{s}的性能、一致性和成本提出了更高要求。",
     "As the market for {u} grows quickly, customers ask for {s} with better performance, "
     "consistency and cost."),
    ("公司现有产线年产能约{n}，但{m}的良率波动较大，已成为制约扩产的瓶颈。",
     "Our line produces about {n_en} a year, but the yield of {m} fluctuates and limits "
     "expansion."),
    ("该环节长期被国外少数厂商垄断，存在较大的供应链安全风险。",
     "A few foreign suppliers dominate this step, which is a serious supply-chain risk."),
    ("我们已与{u}领域的头部客户开展联合开发，具备明确的应用场景和验证条件。",
     "We co-develop with leading customers in {u} and have a clear use case and test conditions."),
    ("近年来公司在{s}方向累计投入研发经费超过{k}千万元，但{m}仍未取得突破。",
     "Over recent years we spent more than {k}0 million yuan on {s}, but {m} has not been solved."),
    ("{s}是{u}的核心部件之一，其性能直接决定整机的可靠性和寿命。",
     "In {u}, the performance of {s} decides the reliability and lifetime of the whole system."),
    ("现有方案在高温、高湿等严苛工况下表现不稳定，客户投诉集中在{m}方面。",
     "Current solutions are unstable at high temperature and humidity; customer complaints concern "
     "{m}."),
    ("根据行业预测，到{y}年{u}对{s}的需求将增长三倍以上。",
     "Industry forecasts expect demand for {s} in {u} to more than triple by {y}."),
    ("公司为国家高新技术企业，设有省级工程技术研究中心，研发人员占比超过{k}0%。",
     "We are a national high-tech enterprise with a provincial engineering research centre; over "
     "{k}0% of our staff work in R&D."),
    ("去年公司{s}销售额同比增长{k}0%，但高端型号仍需外购。",
     "Our sales of {s} grew {k}0% last year, but the high-end grades are still bought in."),
    ("在{u}领域，客户对交付周期和本地化技术支持的要求越来越高。",
     "Customers in {u} increasingly expect short delivery times and local technical support."),
    ("前期我们尝试过{m}的多种方案，均未达到客户的验收标准。",
     "We have tried several approaches to {m}; none met our customers' acceptance criteria."),
)
NEED = (
    ("本项目拟攻克{m}中的关键技术难题，开发满足{u}要求的{s}。",
     "The project should solve the key problems of {m} and deliver {s} meeting the requirements of "
     "{u}."),
    ("希望揭榜方围绕{m}开展工艺优化，提升产品一致性与良率。",
     "We want the solver to optimise {m} and raise product consistency and yield."),
    ("需开发一套可工程化的{m}方案，并与我方现有产线兼容。",
     "An engineering-ready approach to {m} is needed that fits our existing production line."),
    ("重点解决{s}在{u}应用中的可靠性问题，形成可量产的技术方案。",
     "The focus is the reliability of {s} in {u}, leading to a solution ready for volume "
     "production."),
    ("鼓励揭榜方将{m}与{s2}相结合，提出创新性技术路线。",
     "Solvers are encouraged to combine {m} with {s2} and propose an original technical route."),
    ("需求方希望实现{s}的国产化替代，关键性能不低于国际主流产品。",
     "We want a domestic replacement for {s} whose key performance matches leading international "
     "products."),
    ("项目需完成从材料、工艺到器件的全链条开发，并给出成本测算。",
     "The work covers materials, process and device, with a cost estimate."),
    ("请揭榜方提供{m}的机理分析、仿真模型和实验验证数据。",
     "The solver should provide a mechanism analysis, a simulation model and experimental data for "
     "{m}."),
    ("项目成果需在我方产线完成不少于{k}批次的稳定性验证。",
     "Results must pass stability validation on our line over at least {k} batches."),
    ("希望通过本项目建立{s}的设计、仿真与测试能力，培养一支工程化团队。",
     "Through this project we want to build design, simulation and test capability for {s} and an "
     "engineering team."),
    ("需对标国际领先产品开展性能对比测试，并给出差距分析。",
     "Benchmark tests against leading international products are required, with a gap analysis."),
)
TECH = (
    ("技术路线不限，可采用{m}或其他等效方案。",
     "Any technical route is acceptable, {m} or an equivalent."),
    ("样品需通过第三方权威机构检测，并在{u}场景中完成不少于{p}个月的示范运行。",
     "Samples must pass testing by an accredited third party and run for at least {p} months in "
     "{u}."),
    ("方案应充分考虑量产可行性，单位成本较现有进口产品降低{k}0%以上。",
     "The solution must be manufacturable at scale, with a unit cost at least {k}0% below imported "
     "products."),
    ("需提供完整的工艺窗口和失效模式分析（FMEA）。",
     "A full process window and a failure-mode analysis (FMEA) are required."),
    ("关键原材料和核心装备应实现自主可控。",
     "Key raw materials and core equipment should be sourced domestically."),
    ("设计需符合相关国家标准和行业标准，并兼顾国际认证要求。",
     "The design must meet national and industry standards and allow for international "
     "certification."),
    ("项目实施期间需求方可开放中试线和检测平台供揭榜方使用。",
     "During the project the solver may use our pilot line and test facilities."),
    ("成果应形成自主知识产权，申请发明专利不少于{k}项。",
     "The results should be protected by own IP, with at least {k} invention patents filed."),
    ("软件部分需提供源代码及二次开发接口，支持国产操作系统。",
     "Software must come with source code and an API for further development, and run on domestic "
     "operating systems."),
    ("应建立完善的质量管理体系，关键工序具备过程能力指数（CPK）统计。",
     "A quality-management system is required, with process capability (CPK) statistics for key "
     "steps."),
    ("产品应满足{u}场景下的环境适应性要求，包括高低温循环、振动和盐雾试验。",
     "Products must withstand the environment of {u}, including thermal cycling, vibration and "
     "salt-spray tests."),
    ("方案需兼顾{m}与能耗、排放等绿色制造指标。",
     "The approach must balance {m} with energy use, emissions and other green-manufacturing "
     "targets."),
)
DELIVERY = (
    ("交付物包括：技术方案、工艺文件、测试报告和样品{k}批次。",
     "Deliverables: technical design, process documents, test reports and {k} batches of samples."),
    ("项目周期{p}个月，分两个阶段验收，第一阶段完成原理样机，第二阶段完成工程样机。",
     "The project lasts {p} months in two stages: a proof-of-concept prototype, then an "
     "engineering prototype."),
    ("验收方式为需求方组织专家现场测试，并以第三方检测报告为准。",
     "Acceptance is an on-site test organised by us with experts, based on a third-party test "
     "report."),
    ("项目结束后需实现小批量试产，月产能不低于{k}千件。",
     "After the project, pilot production must reach at least {k},000 units a month."),
    ("揭榜方需提交阶段性技术报告，并配合需求方完成客户端认证。",
     "The solver submits interim technical reports and helps us through customer qualification."),
    ("项目验收后提供不少于{k}年的技术支持与工艺维护服务。",
     "After acceptance the solver provides at least {k} years of technical support and process "
     "maintenance."),
    ("样品交付后需求方将在{p}个月内完成装机验证并反馈测试数据。",
     "We will validate the delivered samples in our systems within {p} months and share the test "
     "data."),
)
COOPERATION = (
    ("合作方式可为技术开发、技术转让或共建联合实验室，经费按里程碑拨付。",
     "Cooperation may be contract development, technology transfer or a joint laboratory, paid by "
     "milestones."),
    ("欢迎高校、科研院所与企业组成联合体揭榜。",
     "Consortia of universities, research institutes and companies are welcome."),
    ("知识产权归属由双方协商确定，需求方享有优先使用权。",
     "IP ownership is agreed between the parties; we get the first right of use."),
    ("揭榜方应具备相关领域研发基础和工程化经验，近三年承担过相关项目者优先。",
     "The solver needs a research base and engineering experience in the field; recent related "
     "projects are a plus."),
    ("需求方可提供应用场景、测试数据以及首批订单支持。",
     "We provide the application, test data and a first order."),
    ("对于验证成功的成果，需求方承诺优先采购并联合申报政府项目。",
     "Results that pass validation get preferential purchasing and joint applications for public "
     "funding."),
    ("项目经费可部分用于揭榜方人员驻厂联合攻关。",
     "Part of the budget may pay for the solver's staff working on site with our engineers."),
)
SECTIONS = (("一、项目背景", "Background", BACKGROUND), ("二、技术需求", "What we need", NEED),
            ("三、技术要求", "Technical requirements", TECH), ("四、交付与验收", "Deliverables", DELIVERY),
            ("五、合作方式", "Cooperation", COOPERATION))
INDICATOR_SENTENCE = ("关键指标：{ind}。", "Key indicators: {ind}.")

TITLES = (
    ("{s}{m}关键技术攻关", "Key technologies of {m} for {s}"),
    ("面向{u}的{s}研制", "{s} for {u}"),
    ("高可靠{s}国产化替代", "Domestic replacement of high-reliability {s}"),
    ("{s}量产工艺开发及产业化", "Volume-production process and industrialisation of {s}"),
    ("基于{m}的{s}性能提升", "Improving {s} through {m}"),
    ("{s}与{s2}协同设计", "Co-design of {s} and {s2}"),
    ("{s}", "{s}"),
    ("{u}用{s}开发", "Developing {s} for {u}"),
    ("新一代{s}研发", "Next-generation {s}"),
    ("{m}工艺优化与{s}降本", "{m} optimisation and cost reduction of {s}"),
)
TITLE_SUFFIXES = ("", "", "", "", "（第二期）", "（揭榜挂帅）", "（联合攻关）")
SUMMARIES = (("面向{u}，研制{s}，突破{m}瓶颈。", "{s} for {u}: break the {m} bottleneck."),
             ("以{m}为核心，实现{s}国产化与量产。", "Domestic, volume-ready {s}, centred on {m}."))
REQUIREMENTS = ("具有相关领域研发经验和中试条件；近三年无不良信用记录。",
                "Research experience in the field and pilot-scale facilities.",
                "揭榜团队负责人应具有高级职称或同等水平。")

# A few fictional owners (name, English name, country); None = the import's default owner.
OWNERS = (
    ("苏州晶芯半导体有限公司", "Suzhou Jingxin Semiconductor Co., Ltd.", "CN"),
    ("昆山澜涛新能源科技有限公司", "Kunshan Lantao New Energy Technology Co., Ltd.", "CN"),
    ("常熟华衡精密机械股份有限公司", "Changshu Huaheng Precision Machinery Co., Ltd.", "CN"),
    ("太仓博远生物医药有限公司", "Taicang Boyuan Biopharma Co., Ltd.", "CN"),
    ("吴江锦纶新材料有限公司", "Wujiang Jinlun Advanced Materials Co., Ltd.", "中国"),
    ("张家港氢途能源装备有限公司", "Zhangjiagang Qingtu Hydrogen Equipment Co., Ltd.", "CN"),
    ("苏州工业园区智行机器人有限公司", "SIP Zhixing Robotics Co., Ltd.", "CN"),
    ("Rheinfeld Photonik GmbH", None, "DE"),
    ("Kestrel Mobility Ltd", None, "GB"),
    ("相城云舟智能科技有限公司", "Xiangcheng Yunzhou Intelligent Technology Co., Ltd.", "China"),
    None,                                           # the import's default owner
)
LANGUAGES = ("zh",) * 2 + ("en", "both")       # half Chinese, a quarter English, a quarter both


def default_base_date() -> date:
    return datetime.now(BEIJING).date()


def _fill(template: tuple[str, str], slots: dict) -> tuple[str, str]:
    english = template[1].format(**slots["en"])
    return template[0].format(**slots["zh"]), english[:1].upper() + english[1:]


def _number(rng: random.Random, low, high, decimals: int) -> str:
    return f"{rng.uniform(low, high):.{decimals}f}"


def _indicators(rng: random.Random, industry: Industry) -> list[dict]:
    count = rng.choice((0, 1, 2, 2, 3, 3, 4, 5))
    rows = []
    for name_zh, name_en, comparator, low, high, decimals, unit in rng.sample(
            industry.indicators, min(count, len(industry.indicators))):
        rows.append({"name": name_zh, "name_en": name_en, "comparator": comparator,
                     "target": _number(rng, low, high, decimals), "unit": unit})
    return rows


def _indicator_text(rows: list[dict], lang: str, rng: random.Random) -> str:
    """`击穿电压 >= 650 V; 导通电阻 ≤ 2 mΩ` with the spellings program offices use."""
    symbols = {">=": (">=", "≥"), "<=": ("<=", "≤"), "=": ("=",)}
    parts = []
    for row in rows:
        name = row["name"] if lang == "zh" else row["name_en"]
        comparator = rng.choice(symbols[row["comparator"]])
        parts.append(f"{name} {comparator} {row['target']} {row['unit']}".rstrip())
    return rng.choice(("; ", "；", ";")).join(parts)


SYMBOLS = {">=": "≥", "<=": "≤", "=": "="}


def _unit(row: dict) -> str:
    return f" {row['unit']}" if row["unit"] else ""


def _slots(rng: random.Random, industry: Industry, subject, methods, uses, indicators) -> dict:
    other = rng.choice(INDUSTRIES) if rng.random() < 0.08 else industry
    subject2 = rng.choice([s for s in other.subjects if s != subject] or other.subjects)
    method, use = rng.choice(methods), rng.choice(uses)
    capacity = rng.randint(5, 300)
    k, months, year = rng.randint(2, 9), rng.choice((12, 18, 24, 36)), rng.randint(2027, 2032)
    zh = {"s": subject[0], "s2": subject2[0], "m": method[0], "u": use[0], "n": f"{capacity}万件",
          "n_en": "", "p": months, "k": k, "y": year,
          "ind": "；".join(f"{r['name']}{SYMBOLS[r['comparator']]}{r['target']}{_unit(r)}"
                          for r in indicators)}
    en = {"s": subject[1], "s2": subject2[1], "m": method[1], "u": use[1], "n": "",
          "n_en": f"{capacity * 10000:,} units", "p": months, "k": k, "y": year,
          "ind": "; ".join(f"{r['name_en']} {r['comparator']} {r['target']}{_unit(r)}"
                           for r in indicators)}
    return {"zh": zh, "en": en}


def _render(items: list, side: int) -> str:
    """items: ("h"|"li"|"s", zh, en); side 1 = Chinese, 2 = English → Markdown text."""
    joiner = "" if side == 1 else " "
    paragraphs, current = [], []
    for item in items:
        if item[0] == "s":
            current.append(item[side])
            continue
        if current:
            paragraphs.append(joiner.join(current))
            current = []
        paragraphs.append(item[side])
    if current:
        paragraphs.append(joiner.join(current))
    return "\n\n".join(paragraphs)


def _description(rng, industry, subject, methods, uses, indicators, lang: str) -> tuple[str, str]:
    """(zh, en) descriptions; the primary language (zh unless English-only) gets a target length
    drawn log-uniformly from 80–1,500 characters, the other side is cut at 1,500. Long ones
    (over 600) are Markdown with a heading per section and the indicators as a list."""
    primary = 1 if lang != "en" else 2
    target = math.exp(rng.uniform(math.log(MIN_CHARS), math.log(MAX_CHARS)))
    headed = target > 600
    items: list = []
    length, used, indicators_done = 0, set(), not indicators
    shares = (0.25, 0.5, 0.7, 0.85, 1.0)

    def add(kind: str, zh: str, en: str) -> None:
        nonlocal length
        items.append((kind, zh, en))
        length += len((kind, zh, en)[primary]) + (2 if kind != "s" else 1)

    for number, (head_zh, head_en, pool) in enumerate(SECTIONS):
        if headed:
            add("h", f"### {head_zh}", f"### {head_en}")
        goal = target * shares[number]
        while True:
            fresh = [t for t in pool if t not in used]
            if not fresh:                                  # section exhausted: next one
                break
            template = rng.choice(fresh)
            used.add(template)
            slots = _slots(rng, industry, subject, methods, uses, indicators)
            add("s", *_fill(template, slots))
            if pool is NEED and not indicators_done:
                indicators_done = True
                if headed:
                    lines = [(f"- {z}", f"- {e}") for z, e in zip(
                        slots["zh"]["ind"].split("；"), slots["en"]["ind"].split("; "))]
                    add("li", "关键指标：\n" + "\n".join(z for z, _ in lines),
                        "Key indicators:\n" + "\n".join(e for _, e in lines))
                else:
                    add("s", *_fill(INDICATOR_SENTENCE, slots))
            if length >= goal or length >= target:
                break
        if length >= target:
            break
    texts = []
    for side in (1, 2):
        trimmed = list(items)
        text = _render(trimmed, side)
        while len(text) > MAX_CHARS and len(trimmed) > 1:
            trimmed.pop()
            while len(trimmed) > 1 and trimmed[-1][0] == "h":   # never end on a heading
                trimmed.pop()
            text = _render(trimmed, side)
        filler = 0
        while len(text) < MIN_CHARS:                       # very short: add a closing line
            text += ("" if side == 1 else " ") + COOPERATION[filler % len(COOPERATION)][side - 1]
            filler += 1
        texts.append(text[:MAX_CHARS])
    return texts[0], texts[1]


def _budget(rng: random.Random) -> str | int:
    value = math.exp(rng.uniform(math.log(MIN_BUDGET), math.log(MAX_BUDGET)))
    step = 10 if value < 1000 else 50 if value < 10000 else 500
    value = max(MIN_BUDGET, min(MAX_BUDGET, int(round(value / step) * step)))
    style = rng.randrange(5)
    if style == 0:
        return value
    if style == 1:
        return f"{value:,}"
    if style == 2:
        return f"{value}万元"
    if style == 3:
        return f"{value} 万"
    return str(value)


def _deadline(rng: random.Random, base: date) -> tuple[str, date]:
    day = base + timedelta(days=rng.randint(*DEADLINE_DAYS))
    style = rng.randrange(5)
    if style == 0:
        text = day.isoformat()
    elif style == 1:
        text = f"{day.year}/{day.month}/{day.day}"
    elif style == 2:
        text = f"{day.year}年{day.month}月{day.day}日"
    elif style == 3:
        text = f"{day.isoformat()}T17:00+08:00"
    else:
        text = f"{day.year}-{day.month}-{day.day} 17:30"
    return text, day


def record(number: int, seed: int = DEFAULT_SEED, base_date: date | None = None) -> dict:
    """The need number `number` (0-based) of the corpus (seed, base_date)."""
    base = base_date or default_base_date()
    rng = random.Random(f"needs-gen/{seed}/{number}")
    industry = rng.choice(INDUSTRIES)
    lang = rng.choice(LANGUAGES)
    subject = rng.choice(industry.subjects)
    methods = rng.sample(industry.methods, min(2, len(industry.methods)))
    uses = rng.sample(industry.uses, min(2, len(industry.uses)))
    indicators = _indicators(rng, industry)
    slots = _slots(rng, industry, subject, methods, uses, indicators)
    title_zh, title_en = _fill(rng.choice(TITLES), slots)
    suffix = rng.choice(TITLE_SUFFIXES)
    title_zh += suffix
    description_zh, description_en = _description(rng, industry, subject, methods, uses,
                                                  indicators, lang)
    out: dict = {"id": f"{REF_PREFIX}-{number + 1:06d}"}
    if lang == "zh":
        out.update(title=title_zh, description=description_zh)
    elif lang == "en":
        out.update(title=title_en, description=description_en)
    else:
        out.update(title=title_zh, title_en=title_en,
                   description=description_zh, description_en=description_en)
    if indicators:
        if lang == "both":
            out["indicators"] = indicators
        else:
            out["indicators"] = _indicator_text(indicators, lang, rng)
    if rng.random() < 0.9:
        out["budget_wan"] = _budget(rng)
    deadline_text, deadline_day = _deadline(rng, base)
    out["deadline"] = deadline_text
    published = min(base - timedelta(days=rng.randint(0, 240)),
                    deadline_day - timedelta(days=rng.randint(7, 30)))
    hour, minute = rng.randint(8, 18), rng.randint(0, 59)
    out["published_at"] = f"{published.isoformat()}T{hour:02d}:{minute:02d}:00+08:00"
    if rng.random() < 0.3:
        summary = _fill(rng.choice(SUMMARIES), slots)
        if lang in ("zh", "both"):
            out["summary_zh"] = summary[0]
        if lang in ("en", "both"):
            out["summary_en"] = summary[1]
    if rng.random() < 0.5:
        out["period_months"] = rng.choice((6, 12, 18, 24, 36))
    if rng.random() < 0.3:
        out["ip_terms"] = rng.choice(("none", "non_exclusive", "exclusive"))
    if rng.random() < 0.25:
        out["requirements"] = rng.choice(REQUIREMENTS)
    owner = rng.choice(OWNERS)
    if owner is not None:
        out["owner"] = owner[0]
        if owner[1]:
            out["owner_en"] = owner[1]
        out["owner_country"] = owner[2]
        if rng.random() < 0.4:
            out["contact_name"] = rng.choice(("王工", "李经理", "陈博士", "张女士", "J. Weber", "A. Patel"))
            out["contact_email"] = f"rd{rng.randint(1, 99)}@owner{OWNERS.index(owner)}.example"
    return out


def records(start: int, stop: int, seed: int = DEFAULT_SEED,
            base_date: date | None = None) -> Iterator[dict]:
    base = base_date or default_base_date()
    for number in range(start, stop):
        yield record(number, seed, base)


def write_jsonl(path, start: int, stop: int, seed: int = DEFAULT_SEED,
                base_date: date | None = None) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for item in records(start, stop, seed, base_date):
            out.write(json.dumps(item, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--start", type=int, default=0, help="number of the first need (0-based)")
    parser.add_argument("--base-date", type=date.fromisoformat, default=None,
                        help="deadlines are spread around this day (default: today in Beijing)")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.output:
        write_jsonl(args.output, args.start, args.start + args.count, args.seed, args.base_date)
        return
    for item in records(args.start, args.start + args.count, args.seed, args.base_date):
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

from ninja import Router

router = Router(tags=["开放合同数据标准（OCDS）"])
